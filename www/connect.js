// The connect form (base URL + token), connecting and disconnecting. Only the base URL is
// remembered (localStorage); the token goes to the session and leaves the form.
import { $, setBusy, showNotice } from './dom.js';
import { loadAgents } from './agents-table.js';
import { openSession, session, setSession, state } from './state.js';

const BASE_URL_KEY = 'talkover-demo:base-url';

const connectForm = $('connect-form');
const baseInput = $('base-url');
const tokenInput = $('token');

baseInput.value = safeStorageGet(BASE_URL_KEY) || location.origin;
updateRemoteHint();
baseInput.addEventListener('input', updateRemoteHint);

function safeStorageGet(key) {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function isLoopback(url) {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || host.startsWith('127.') || host.endsWith('.localhost');
  } catch {
    return true;
  }
}

function updateRemoteHint() {
  $('allow-remote-row').hidden = isLoopback(baseInput.value.trim());
}

connectForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  const baseUrl = baseInput.value.trim();
  const token = tokenInput.value.trim();
  showNotice($('connect-error'), null);
  if (!baseUrl || !token) {
    showNotice($('connect-error'), { code: 'INVALID_ARGUMENT', message: !baseUrl ? 'Enter the API base URL.' : 'Enter your environment token.' });
    (!baseUrl ? baseInput : tokenInput).focus();
    return;
  }
  setBusy($('connect-button'), $('connect-spinner'), true);
  try {
    await connect(baseUrl, token);
  } catch (err) {
    showNotice($('connect-error'), err);
    tokenInput.focus();
  } finally {
    setBusy($('connect-button'), $('connect-spinner'), false);
  }
});

async function connect(baseUrl, token) {
  const next = openSession(baseUrl, token, $('allow-remote').checked);
  await next.client.listAgents({ perPage: 1 }); // checks the URL and the token
  setSession(next);
  try {
    localStorage.setItem(BASE_URL_KEY, baseUrl);
  } catch {
    /* storage may be disabled; remembering the URL is only a convenience */
  }
  tokenInput.value = ''; // the client has it; do not leave it in the DOM
  onConnected();
}

function onConnected() {
  $('connect-card').hidden = true;
  $('agents-card').hidden = false;
  $('connection-status').hidden = false;
  $('connection-text').textContent = `Connected to ${session.baseUrl}`;
  state.known.clear();
  state.selected.clear();
  state.calls.clear();
  state.outcomes.clear();
  state.report = null;
  $('run-panel').hidden = true;
  loadAgents().then(() => $('search').focus());
}

$('disconnect').addEventListener('click', () => {
  state.running?.abort();
  setSession(null);
  state.loadGen += 1;
  $('agents-body').replaceChildren();
  $('agents-card').hidden = true;
  $('connection-status').hidden = true;
  $('connect-card').hidden = false;
  tokenInput.focus();
});
