import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import type { PluginPageProps } from '@grafana/runtime';
import { useStyles2 } from '@grafana/ui';
import { useLocation } from 'react-router-dom';
import { currentNav } from './nav';

/**
 * What Grafana draws around a plugin page, as the host draws it: the page's title (its `pageNav`, or
 * the nav item it is on), sub-title, info and actions, then the page.
 */
export function StandalonePage({ pageNav, actions, subTitle, info, renderTitle, children }: PluginPageProps) {
  const s = useStyles2(getStyles);
  const { pathname } = useLocation();
  const title = pageNav?.text ?? currentNav(pathname)?.text ?? 'Incident Response';
  return (
    <div className={s.page}>
      <div className={s.header}>
        <div>
          {renderTitle ? renderTitle(title) : <h1 className={s.title}>{title}</h1>}
          {subTitle && <div className={s.subTitle}>{subTitle}</div>}
          {info && (
            <dl className={s.info}>
              {info.map((item) => (
                <div key={item.label}>
                  <dt>{item.label}</dt>
                  <dd>{item.value}</dd>
                </div>
              ))}
            </dl>
          )}
        </div>
        {actions && <div className={s.actions}>{actions}</div>}
      </div>
      {children}
    </div>
  );
}

const getStyles = (theme: GrafanaTheme2) => ({
  page: css({ padding: theme.spacing(2, 3) }),
  header: css({
    display: 'flex',
    justifyContent: 'space-between',
    alignItems: 'flex-start',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(2),
  }),
  title: css({ margin: 0 }),
  subTitle: css({ color: theme.colors.text.secondary, marginTop: theme.spacing(0.5) }),
  info: css({
    display: 'flex',
    gap: theme.spacing(3),
    margin: theme.spacing(1, 0, 0),
    dt: { color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize },
    dd: { margin: 0 },
  }),
  actions: css({ display: 'flex', gap: theme.spacing(1) }),
});
