// Jest setup provided by Grafana scaffolding
import './.config/jest-setup';
import { configure } from '@testing-library/react';

// Pages render @grafana/ui drawers and comboboxes; on a loaded CI machine a re-render after a save can
// take longer than testing-library's default second.
configure({ asyncUtilTimeout: 5000 });
