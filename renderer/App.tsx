import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { assertNever } from '../shared/errors';
import { PickProcedure } from './citizen/PickProcedure';
import { Question } from './citizen/Question';
import { Submitted } from './citizen/Submitted';
import { Queue } from './helper/Queue';
import { Attract } from './shell/Attract';
import { StatusBar } from './shell/StatusBar';
import { useStore, type Store } from './store';

function Route({ route }: { route: Store['route'] }) {
  switch (route) {
    case 'attract':
      return <Attract />;
    case 'procedures':
      return <PickProcedure />;
    case 'question':
      return <Question />;
    case 'saved':
      return <Submitted />;
    case 'queue':
      return <Queue />;
    default:
      return assertNever(route);
  }
}

export function App() {
  const { i18n } = useTranslation();
  const { route, locale } = useStore();
  useEffect(() => {
    void i18n.changeLanguage(locale);
    document.documentElement.lang = locale;
  }, [i18n, locale]);
  return (
    <>
      <StatusBar />
      <Route route={route} />
    </>
  );
}
