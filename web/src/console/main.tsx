/** Entry of the live console page (web/dist/console.html, served by `reckon serve` at `/`). */
import { createRoot } from 'react-dom/client';
import '../components/theme.css';
import '../trace/trace.css';
import './console.css';
import { ConsoleApp } from './ConsoleApp';

createRoot(document.getElementById('root')!).render(<ConsoleApp />);
