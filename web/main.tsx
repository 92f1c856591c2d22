import { render } from 'preact';
import { App } from './app.tsx';
import { installAutomation } from './automation.ts';
import './styles.css';

// window.splitstream (tests and benchmarks drive the page through it, automation.ts).
installAutomation();
render(<App />, document.getElementById('app')!);
