import React from 'react';
import { Route, Routes } from 'react-router-dom';
import { AppRootProps } from '@grafana/data';
import { ROUTES } from '../../constants';
const Overview = React.lazy(() => import('../../pages/Overview'));
const Incidents = React.lazy(() => import('../../pages/Incidents'));
const Incident = React.lazy(() => import('../../pages/Incident'));
const Rules = React.lazy(() => import('../../pages/Rules'));

function App(props: AppRootProps) {
  return (
    <Routes>
      <Route path={ROUTES.Overview} element={<Overview />} />
      <Route path={ROUTES.Incidents} element={<Incidents />} />
      <Route path={ROUTES.Incident} element={<Incident />} />
      <Route path={ROUTES.Rules} element={<Rules />} />

      {/* Default page */}
      <Route path="*" element={<Overview />} />
    </Routes>
  );
}

export default App;
