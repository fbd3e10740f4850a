import { makeMessage } from '../testing/message';
import { SlackMessageSchema } from './block-kit.schema';
import { SlackChannelConfigSchema } from './config';
import { slackPayload, type SlackBlock } from './payload';

const cfg = SlackChannelConfigSchema.parse({
  type: 'slack',
  webhook_url: 'https://hooks.slack.com/services/T0/B0/XYZ',
});

const block = <T extends SlackBlock['type']>(blocks: SlackBlock[], type: T) =>
  blocks.find((b): b is Extract<SlackBlock, { type: T }> => b.type === type);

describe('slackPayload', () => {
  it('builds header, section with fields, a button to the incident and a context line', () => {
    const payload = slackPayload(makeMessage(), cfg);

    expect(SlackMessageSchema.safeParse(payload).success).toBe(true);
    expect(payload.text).toBe('New incident inc_00001: Error Burst - 2026-11-26 10:30');
    expect(payload.blocks.map((b) => b.type)).toEqual(['header', 'section', 'actions', 'context']);
    expect(block(payload.blocks, 'header')?.text.text).toBe('New incident inc_00001: Error Burst - 2026-11-26 10:30');
    expect(block(payload.blocks, 'section')?.fields.map((f) => f.text)).toEqual([
      '*Severity*\nHIGH',
      '*Status*\ndetected',
      '*Type*\nerror_burst',
      '*Components*\napi-gateway, payments',
      '*Events*\n12',
      '*Root cause*\nTimeoutError from api-gateway',
    ]);
    expect(block(payload.blocks, 'actions')?.elements[0]).toMatchObject({
      type: 'button',
      text: { type: 'plain_text', text: 'Open incident' },
      url: 'http://grafana.example:3000/a/mahavishnu-app/incidents/inc_00001',
    });
    expect(block(payload.blocks, 'context')?.elements[0].text).toContain('inc_00001');
    expect(payload).not.toHaveProperty('channel');
  });

  it('has no button when there is no URL', () => {
    const payload = slackPayload(makeMessage({ url: null }), cfg);
    expect(payload.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
  });

  it('shows what changed, by kind', () => {
    const severity = slackPayload(
      makeMessage({ kind: 'severity_changed', details: { from: 'medium', to: 'high' } }),
      cfg
    );
    expect(block(severity.blocks, 'section')?.fields.map((f) => f.text)).toContain('*Severity change*\nmedium → high');

    const approval = slackPayload(
      makeMessage({ kind: 'approval_needed', details: { action: 'restart_service', risk: 'high' } }),
      cfg
    );
    expect(block(approval.blocks, 'section')?.fields.map((f) => f.text)).toEqual(
      expect.arrayContaining(['*Action*\nrestart_service', '*Risk*\nhigh'])
    );

    const resolved = slackPayload(
      makeMessage({ kind: 'resolved', incident: { resolved_by: 'alice', mttr: 1234.5 } }),
      cfg
    );
    expect(block(resolved.blocks, 'section')?.fields.map((f) => f.text)).toEqual(
      expect.arrayContaining(['*Resolved by*\nalice', '*Time to resolve*\n1235 s'])
    );
  });

  it('stays within every Block Kit limit however long the incident is', () => {
    const long = 'ü&<'.repeat(5000);
    const details = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`key_${i}`, long]));
    const payload = slackPayload(
      makeMessage({
        headline: long,
        url: `https://grafana.example/${'a'.repeat(2990)}`,
        details,
        incident: {
          title: long,
          description: long,
          affected_components: Array.from({ length: 100 }, () => 'c'.repeat(256)),
        },
      }),
      cfg
    );

    const parsed = SlackMessageSchema.safeParse(payload);
    expect(parsed.error?.issues).toBeUndefined();
    const section = block(payload.blocks, 'section');
    expect(section?.fields).toHaveLength(10);
    // No escaped entity is cut in half.
    for (const text of [payload.text, section?.text.text ?? '', ...(section?.fields ?? []).map((f) => f.text)]) {
      expect(text).not.toMatch(/&[a-z]{0,3}…/);
    }
  });

  it('drops the button rather than send a cut URL', () => {
    const payload = slackPayload(makeMessage({ url: `https://grafana.example/${'a'.repeat(3000)}` }), cfg);
    expect(block(payload.blocks, 'actions')).toBeUndefined();
  });

  it('escapes mrkdwn control characters, so a title cannot mention @channel', () => {
    const payload = slackPayload(
      makeMessage({ headline: 'Disk <!channel> & co', incident: { title: '<!here> <https://evil.example|click>' } }),
      cfg
    );
    expect(payload.text).toBe('Disk &lt;!channel&gt; &amp; co');
    expect(block(payload.blocks, 'section')?.text.text).toContain('*&lt;!here&gt; &lt;https://evil.example|click&gt;*');
    // plain_text is shown literally by Slack and needs no escaping.
    expect(block(payload.blocks, 'header')?.text.text).toBe('Disk <!channel> & co');
  });

  it('passes channel and username through when configured', () => {
    const payload = slackPayload(makeMessage(), { ...cfg, channel: '#incidents', username: 'Mahavishnu' });
    expect(payload).toMatchObject({ channel: '#incidents', username: 'Mahavishnu' });
  });
});
