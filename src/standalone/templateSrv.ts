import type { ScopedVars, TimeRange, TypedVariableModel } from '@grafana/data';
import type { TemplateSrv } from '@grafana/runtime';

/**
 * Grafana's template service for a dashboard whose variables all stand at "All": a variable in a
 * query becomes empty, which the datasource reads as no filter; scoped variables are replaced.
 */
export class AllValuesTemplateSrv implements TemplateSrv {
  getVariables(): TypedVariableModel[] {
    return [];
  }

  replace(target?: string, scopedVars?: ScopedVars): string {
    return (target ?? '').replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (_match, braced: string, bare: string) => {
      const value = scopedVars?.[braced ?? bare]?.value;
      return value === undefined || value === null ? '' : String(value);
    });
  }

  containsTemplate(target?: string): boolean {
    return /\$\{?\w+/.test(target ?? '');
  }

  updateTimeRange(_timeRange: TimeRange): void {}
}
