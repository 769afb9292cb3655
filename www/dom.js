// Small DOM helpers shared by the page's modules: element lookup and creation, plurals, busy
// buttons, error notices, dates and the agent status badge.
import { describeError } from './messages.js';

export const $ = (id) => document.getElementById(id);

/** Creates `<tag>` with props (class, text, dataset, on*, properties, attributes) and children. */
export const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value == null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key in node && typeof value !== 'string') node[key] = value;
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
};

export const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

export function setBusy(button, spinner, busy) {
  button.disabled = busy;
  if (spinner) spinner.hidden = !busy;
}

/** Fills `node` with the human description of `err`, or hides it when there is none. */
export function showNotice(node, err) {
  node.replaceChildren();
  if (!err) {
    node.hidden = true;
    return;
  }
  const { text, meta } = describeError(err);
  node.append(el('p', { text }));
  if (meta) node.append(el('p', { class: 'meta', text: meta }));
  node.hidden = false;
}

/** A new alert box describing `err`. */
export function errorNotice(err) {
  const box = el('div', { class: 'notice notice-error', role: 'alert' });
  showNotice(box, err);
  return box;
}

export function formatDate(value) {
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? (value || '—') : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export const STATUS_LABEL = { draft: 'Draft', published: 'Published' };

export function statusBadge(status) {
  return el('span', { class: `badge ${status === 'published' ? 'badge-green' : 'badge-grey'}`, text: STATUS_LABEL[status] ?? status });
}
