import React, { useEffect, useRef, useState } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2, TimeRange } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Button, PanelChrome, useStyles2 } from '@grafana/ui';
import { DASHBOARD, dashboardRange, refreshMs, type DashboardPanel } from './dashboardModel';
import { IncidentsPanelView, StatView, TableView, TimeSeriesView, type PanelViewProps } from './panels';
import { useFrames } from './useFrames';

/** Grafana's grid: 24 columns, rows of 30 px, 8 px between panels. */
const COLUMNS = 24;
const ROW_HEIGHT = 30;
const GAP = 8;

const VIEWS: Record<string, React.ComponentType<PanelViewProps>> = {
  stat: StatView,
  table: TableView,
  timeseries: TimeSeriesView,
};

/** The provisioned "Incident Response" dashboard, drawn by the host with Grafana's components. */
export function DashboardPage() {
  const s = useStyles2(getStyles);
  const [range, setRange] = useState<TimeRange>(() => dashboardRange());
  const [gridRef, width] = useWidth<HTMLDivElement>();
  const reload = () => setRange(dashboardRange());
  useEffect(() => {
    const every = refreshMs();
    if (!every) {
      return;
    }
    const timer = setInterval(() => setRange(dashboardRange()), every);
    return () => clearInterval(timer);
  }, []);
  const column = (width - GAP * (COLUMNS - 1)) / COLUMNS;

  return (
    <PluginPage
      subTitle={`Last ${String(DASHBOARD.time.from).replace('now-', '')}, refreshed every ${DASHBOARD.refresh ?? 'never'}`}
      actions={
        <Button variant="secondary" icon="sync" onClick={reload}>
          Refresh
        </Button>
      }
    >
      <div ref={gridRef} className={s.grid}>
        {width > 0 &&
          DASHBOARD.panels.map((panel) => (
            <div
              key={panel.id}
              className={s.cell}
              data-testid={`dashboard-panel ${panel.title}`}
              style={{
                gridColumn: `${panel.gridPos.x + 1} / span ${panel.gridPos.w}`,
                gridRow: `${panel.gridPos.y + 1} / span ${panel.gridPos.h}`,
              }}
            >
              <DashboardPanelView
                panel={panel}
                range={range}
                width={Math.floor(column * panel.gridPos.w + GAP * (panel.gridPos.w - 1))}
                height={ROW_HEIGHT * panel.gridPos.h + GAP * (panel.gridPos.h - 1)}
              />
            </div>
          ))}
      </div>
    </PluginPage>
  );
}

/** A panel of the dashboard, at its size, over the dashboard's range. */
interface PlacedPanel {
  panel: DashboardPanel;
  range: TimeRange;
  width: number;
  height: number;
}

function DashboardPanelView({ panel, range, width, height }: PlacedPanel) {
  const targets = panel.targets ?? [];
  const foreign = targets.find((t) => t.datasource?.type !== 'mahavishnu-incidents-datasource');
  return (
    <PanelChrome title={panel.title} width={width} height={height}>
      {(innerWidth, innerHeight) =>
        panel.type === 'mahavishnu-incidents-panel' ? (
          <IncidentsPanelView panel={panel} range={range} width={innerWidth} height={innerHeight} frames={[]} />
        ) : foreign ? (
          <Alert severity="info" title="Shown in Grafana">
            This panel reads the {foreign.datasource?.type ?? 'default'} datasource, which only Grafana has.
          </Alert>
        ) : (
          <QueriedPanel panel={panel} range={range} width={innerWidth} height={innerHeight} />
        )
      }
    </PanelChrome>
  );
}

function QueriedPanel({ panel, range, width, height }: PlacedPanel) {
  const { frames, error } = useFrames(panel.targets ?? [], range);
  const View = VIEWS[panel.type];
  if (error) {
    return <Alert severity="error" title={error} />;
  }
  if (!View) {
    return <Alert severity="info" title={`The ${panel.type} panel is shown in Grafana only`} />;
  }
  return frames ? <View panel={panel} width={width} height={height} range={range} frames={frames} /> : null;
}

/** A ref for an element and its width, kept up to date as the window changes. */
function useWidth<T extends HTMLElement>(): [React.RefObject<T>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const element = ref.current;
    if (!element) {
      return;
    }
    const observer = new ResizeObserver(([entry]) => setWidth(Math.floor(entry.contentRect.width)));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return [ref, width];
}

const getStyles = (theme: GrafanaTheme2) => ({
  grid: css({
    display: 'grid',
    gridTemplateColumns: `repeat(${COLUMNS}, 1fr)`,
    gridAutoRows: `${ROW_HEIGHT}px`,
    gap: `${GAP}px`,
  }),
  cell: css({ minWidth: 0, background: theme.colors.background.primary }),
});
