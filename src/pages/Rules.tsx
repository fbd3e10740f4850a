import React, { useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Button, useStyles2 } from '@grafana/ui';
import type { DetectionRule } from '@mahavishnu/wire/rules';
import { useRules } from '../api/hooks';
import { testIds } from '../components/testIds';
import { Loaded } from '../components/common/Loaded';
import { CreateRuleDrawer } from '../components/Rules/CreateRuleDrawer';
import { RuleEditor } from '../components/Rules/RuleEditor';
import { RulesTable } from '../components/Rules/RulesTable';

/** The detection rules: enable or disable them, change threshold and window, test them, create custom ones. */
function Rules() {
  const s = useStyles2(getStyles);
  const rules = useRules();
  const [editing, setEditing] = useState<DetectionRule>();
  const [creating, setCreating] = useState(false);
  const afterSave = () => {
    setEditing(undefined);
    setCreating(false);
    rules.reload();
  };

  return (
    <PluginPage>
      <div data-testid={testIds.rules.container}>
        <p>
          Detection rules decide when alerts become an incident: the Mahavishnu backend counts the events a rule matches
          within its time window and opens an incident once the threshold is reached.
        </p>
        <div className={s.toolbar}>
          <Button icon="plus" onClick={() => setCreating(true)}>
            New custom rule
          </Button>
        </div>
        <Loaded state={rules} what="the rules">
          {(list) => <RulesTable rules={list} onEdit={setEditing} onChanged={rules.reload} />}
        </Loaded>
        {editing && <RuleEditor rule={editing} onClose={() => setEditing(undefined)} onSaved={afterSave} />}
        {creating && <CreateRuleDrawer onClose={() => setCreating(false)} onCreated={afterSave} />}
      </div>
    </PluginPage>
  );
}

export default Rules;

const getStyles = (theme: GrafanaTheme2) => ({
  toolbar: css`
    display: flex;
    justify-content: flex-end;
    margin-bottom: ${theme.spacing(1)};
  `,
});
