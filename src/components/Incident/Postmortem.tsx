import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import { renderMarkdown, type GrafanaTheme2 } from '@grafana/data';
import { Button, Text, useStyles2 } from '@grafana/ui';
import { testIds } from '../testIds';
import { downloadFile } from '../common/download';

/** The incident's post-mortem (a draft until it is resolved), rendered, with a download of its markdown. */
export function Postmortem({ incidentId, markdown }: { incidentId: string; markdown?: string }) {
  const s = useStyles2(getStyles);
  // renderMarkdown sanitizes the HTML it makes.
  const html = useMemo(() => renderMarkdown(markdown ?? ''), [markdown]);
  if (!markdown) {
    return <Text color="secondary">No post-mortem yet.</Text>;
  }
  return (
    <div data-testid={testIds.incident.postmortem}>
      <Button
        variant="secondary"
        icon="download-alt"
        onClick={() => downloadFile(`${incidentId}-postmortem.md`, markdown, 'text/markdown')}
      >
        Download markdown
      </Button>
      <div className={`markdown-html ${s.body}`} dangerouslySetInnerHTML={{ __html: html }} />
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  body: css`
    margin-top: ${theme.spacing(2)};
    padding: ${theme.spacing(2)};
    border: 1px solid ${theme.colors.border.weak};
    border-radius: ${theme.shape.radius.default};
    table {
      margin-bottom: ${theme.spacing(2)};
    }
    th,
    td {
      padding: ${theme.spacing(0.5, 1)};
      border: 1px solid ${theme.colors.border.weak};
    }
  `,
});
