// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';
import { configure } from '@testing-library/react';

// Pages render @grafana/ui drawers and comboboxes; on a loaded CI machine a re-render after a save can
// take longer than testing-library's default second.
configure({ asyncUtilTimeout: 5000 });

// A page test renders, waits and clicks through several of those: give it more than jest's 5 s.
jest.setTimeout(30_000);
