// The agent-cleanup demo page's entry module (plain ES modules, no build step; the client comes
// from the import map). Importing the modules wires up the page:
//   state.js              the session (client + token, kept in memory only) and shared state
//   connect.js            the connect form, connect / disconnect
//   agents-table.js       filters, loading agents and active calls, rows and run outcomes
//   selection.js          row selection and the selection bar
//   plan.js               the plan dialog (dry run) and the confirm button
//   cleanup-run.js        the real run, its summary and the backup download
//   trainings-dialog.js   one agent's trainings, deleting a training
//   dialogs.js, dom.js    modal dialog behaviour, small DOM helpers
//   messages.js           human sentences for error codes and cleanup reasons
import './dialogs.js';
import './connect.js';
import './agents-table.js';
import './selection.js';
import './plan.js';
import './cleanup-run.js';
import './trainings-dialog.js';

// The modules (and the client's wasm) loaded: the page is usable.
document.documentElement.dataset.app = 'ready';
