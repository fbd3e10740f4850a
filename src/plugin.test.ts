import fs from 'fs';
import path from 'path';

// The top-level plugin.json is a symbolic link to src/plugin.json; this test fails if the two ever drift apart
// (for example when the link is replaced by a copy).
describe('plugin.json', () => {
  const srcPluginJson = fs.readFileSync(path.resolve(__dirname, 'plugin.json'));
  const rootPluginJson = fs.readFileSync(path.resolve(__dirname, '..', 'plugin.json'));

  test('the top-level plugin.json is byte-identical to src/plugin.json', () => {
    expect(rootPluginJson.equals(srcPluginJson)).toBe(true);
  });

  test('declares the plugin id and name', () => {
    const pluginJson = JSON.parse(srcPluginJson.toString('utf8'));

    expect(pluginJson.id).toBe('mahavishnu-incidents-app');
    expect(pluginJson.name).toBe('Incident Response');
  });
});
