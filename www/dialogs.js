// Modal <dialog> behaviour for every dialog on the page: [data-close] and the backdrop close it,
// Escape closes it (native), and focus returns to the element that opened it.
import { $ } from './dom.js';

export function openDialog(dialog, opener, focusTarget) {
  dialog._opener = opener ?? document.activeElement;
  dialog.showModal();
  (focusTarget ?? dialog.querySelector('[data-close]'))?.focus();
}

for (const dialog of document.querySelectorAll('dialog')) {
  dialog.addEventListener('click', (e) => {
    if (e.target.closest('[data-close]')) dialog.close();
    else if (e.target === dialog) dialog.close(); // backdrop
  });
  dialog.addEventListener('close', () => {
    const opener = dialog._opener;
    dialog._opener = null;
    if (opener && opener.isConnected && !opener.disabled) opener.focus();
    else $('review').focus();
  });
}
