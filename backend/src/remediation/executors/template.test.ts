import { testContext, testIncident } from './test-context';
import { checkJsonTemplate, checkTemplate, renderJson, renderTemplate } from './template';

describe('renderTemplate', () => {
  const vars = testContext({ params: { service: 'api', note: 'a b&c' } });

  it('substitutes incident fields, params and the run ids, with or without spaces in the braces', () => {
    expect(
      renderTemplate(
        '{{incident.incident_id}} {{ params.service }} {{  action_id  }} {{run_id}} {{ idempotency_key }} {{ actor }}',
        vars
      )
    ).toBe('inc_00042 api restart_service run_0001 idem-inc_00042-restart_service-1 alice');
  });

  it('joins arrays with commas and renders null and missing values as empty', () => {
    expect(renderTemplate('[{{ incident.affected_components }}]', vars)).toBe('[api,db-1]');
    expect(renderTemplate('[{{ incident.assigned_to }}]', vars)).toBe('[]');
    expect(renderTemplate('[{{ params.absent }}]', vars)).toBe('[]');
    expect(renderTemplate('[{{ actor }}]', testContext({ actor: null }))).toBe('[]');
  });

  it('reaches into root_cause and renders numbers as text', () => {
    expect(renderTemplate('{{ incident.root_cause.primary_source }}', vars)).toBe('api');
    expect(renderTemplate('{{ incident.root_cause.error_distribution.timeout }}', vars)).toBe('3');
    expect(renderTemplate('{{ incident.event_count }}', vars)).toBe('3');
    expect(
      renderTemplate(
        '{{ incident.root_cause.primary_source }}',
        testContext({ incident: testIncident({ root_cause: null }) })
      )
    ).toBe('');
  });

  it('passes each substituted value, and only those, through encode', () => {
    expect(renderTemplate('https://x/?q={{ params.note }}&s={{ params.service }}', vars, encodeURIComponent)).toBe(
      'https://x/?q=a%20b%26c&s=api'
    );
  });

  it('leaves text without placeholders alone and renders a refused path as empty', () => {
    expect(renderTemplate('plain {text} }} {{', vars)).toBe('plain {text} }} {{');
    expect(renderTemplate('[{{ incident.constructor }}][{{ params.__proto__ }}][{{ incident }}]', vars)).toBe('[][][]');
  });
});

describe('checkTemplate', () => {
  it('accepts the allowed roots', () => {
    expect(
      checkTemplate(
        '{{ incident.incident_id }} {{incident.affected_components}} {{ incident.root_cause.primary_source }} ' +
          '{{ incident.root_cause.error_distribution.db }} {{ params.service_1 }} {{ action_id }} {{ run_id }} ' +
          '{{ idempotency_key }} {{ actor }} no placeholder here'
      )
    ).toBeNull();
  });

  it.each([
    ['{{ env.HOME }}', 'env.HOME'],
    ['ok {{ incident.title }} then {{ incident.secret_field }}', 'incident.secret_field'],
    ['{{ incident }}', 'incident'],
    ['{{ incident.title.length }}', 'incident.title.length'],
    ['{{ params }}', 'params'],
    ['{{ params.a.b }}', 'params.a.b'],
    ['{{ params.bad-name }}', 'params.bad-name'],
    ['{{ actor.name }}', 'actor.name'],
    ['{{ incident.title | upper }}', 'incident.title | upper'],
    ['{{ process.env.SECRET }}', 'process.env.SECRET'],
  ])('refuses %s and names the path', (text, path) => {
    expect(checkTemplate(text)).toContain(`'${path}'`);
  });

  it('checks every string leaf of a JSON body', () => {
    expect(checkJsonTemplate({ a: ['{{ incident.title }}', 1, null, { b: '{{ params.x }}' }] })).toBeNull();
    expect(checkJsonTemplate({ a: [{ b: '{{ secrets.x }}' }] })).toContain("'secrets.x'");
  });
});

describe('renderJson', () => {
  it('renders string leaves, keeps keys and other values, and stays valid JSON whatever the values hold', () => {
    const nasty = '", "admin": true, "x": {"y": "}}\\\n';
    const vars = testContext({ params: { reason: nasty } });
    const body = {
      '{{ params.reason }}': '{{ params.reason }}',
      list: ['{{ incident.incident_id }}', 2, true, null],
      nested: { n: 1 },
    };

    const rendered = renderJson(body, vars);
    const parsed = JSON.parse(JSON.stringify(rendered));

    expect(parsed).toEqual({
      '{{ params.reason }}': nasty,
      list: ['inc_00042', 2, true, null],
      nested: { n: 1 },
    });
    expect(Object.keys(parsed)).not.toContain('admin');
  });
});
