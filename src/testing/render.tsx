import React, { type ReactElement } from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { render, screen } from '@testing-library/react';
import type { IncidentsApi } from '../api/client';
import { ClientProvider } from '../api/context';

/*
 * Test helpers: render a page with a fake client at a URL, and read the URL back.
 */

const LOCATION_TEST_ID = 'test-location';

function LocationProbe() {
  const location = useLocation();
  return <output data-testid={LOCATION_TEST_ID}>{location.pathname + location.search}</output>;
}

interface Options {
  client: IncidentsApi;
  /** Where the page opens, e.g. `/incidents?severity=critical`. */
  path?: string;
  /** The route the page is mounted at, e.g. `incidents/:id`. */
  route?: string;
}

/** Renders `ui` as the page of `route`, opened at `path`, talking to `client`. */
export function renderWithClient(ui: ReactElement, { client, path = '/', route = '*' }: Options) {
  return render(
    <ClientProvider client={client}>
      <MemoryRouter initialEntries={[path]} future={{ v7_startTransition: true, v7_relativeSplatPath: true }}>
        <Routes>
          <Route
            path={route}
            element={
              <>
                {ui}
                <LocationProbe />
              </>
            }
          />
        </Routes>
      </MemoryRouter>
    </ClientProvider>
  );
}

/** The query string of the rendered page's URL, as parameters. */
export function currentSearchParams(): URLSearchParams {
  const url = screen.getByTestId(LOCATION_TEST_ID).textContent ?? '';
  return new URLSearchParams(url.includes('?') ? url.slice(url.indexOf('?')) : '');
}

/** An observer that never reports: enough for components that only start observing. */
class SilentObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}

/**
 * What jsdom lacks and @grafana/ui uses: a canvas to measure text (Combobox), ResizeObserver and
 * IntersectionObserver (Drawer). Call at the top level of a test file.
 */
export function fakeBrowserApisDuringTests(): void {
  const getContext = HTMLCanvasElement.prototype.getContext;
  const observers = ['ResizeObserver', 'IntersectionObserver'] as const;
  const missing = observers.filter((name) => !(name in window));
  beforeAll(() => {
    HTMLCanvasElement.prototype.getContext = (() => ({
      measureText: (text: string) => ({ width: text.length * 7 }),
    })) as never;
    for (const name of missing) {
      Object.assign(window, { [name]: SilentObserver });
    }
  });
  afterAll(() => {
    HTMLCanvasElement.prototype.getContext = getContext;
    for (const name of missing) {
      delete (window as unknown as Record<string, unknown>)[name];
    }
  });
}
