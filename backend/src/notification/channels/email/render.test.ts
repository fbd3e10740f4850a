import { makeMessage } from '../testing/message';
import { emailHtml, emailSubject, emailText, escapeHtml } from './render';

describe('e-mail rendering', () => {
  it('puts the severity and the headline in the subject, on one line', () => {
    expect(emailSubject(makeMessage())).toBe('[HIGH] New incident inc_00001: Error Burst - 2026-11-26 10:30');
    expect(emailSubject(makeMessage({ headline: 'two\r\nlines' }))).toBe('[HIGH] two lines');
    expect(emailSubject(makeMessage({ headline: 'x'.repeat(1000) })).length).toBeLessThanOrEqual(250);
  });

  it('writes the fields, the description and the link into the text body', () => {
    const text = emailText(makeMessage());
    for (const line of [
      'New incident inc_00001: Error Burst - 2026-11-26 10:30',
      'Severity: HIGH',
      'Status: detected',
      'Type: error_burst',
      'Components: api-gateway, payments',
      'Events: 12',
      'Root cause: TimeoutError from api-gateway',
      'A burst of 12 errors from api-gateway within 5 minutes.',
      'Open the incident: http://grafana.example:3000/a/mahavishnu-app/incidents/inc_00001',
    ]) {
      expect(text).toContain(line);
    }
  });

  it('escapes every value in the HTML body', () => {
    const html = emailHtml(
      makeMessage({
        headline: '<script>alert(1)</script>',
        details: { '<b>key</b>': '"quoted" & \'single\'' },
        incident: {
          title: '<img src=x onerror=alert(1)>',
          description: '</p><h1>x</h1>',
          affected_components: ['<c>'],
        },
      })
    );
    expect(html).not.toMatch(/<script|<img|<h1|<b>|<c>/);
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(html).toContain('&#34;quoted&#34; &#38; &#39;single&#39;');
    expect(html).toContain(
      '<a href="http://grafana.example:3000/a/mahavishnu-app/incidents/inc_00001">Open the incident</a>'
    );
  });

  it('links only web URLs', () => {
    expect(emailHtml(makeMessage({ url: 'javascript:alert(1)' }))).not.toContain('<a ');
    expect(emailHtml(makeMessage({ url: null }))).not.toContain('Open the incident');
  });

  it('escapes the five HTML-special characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
  });
});
