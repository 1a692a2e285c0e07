/** A minimal game page: each spin asks this app to play one round against the operator's wallet. */
export function gamePage(launchId: string, gameName: string, demo: boolean): string {
  const escaped = gameName.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escaped}</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:3rem auto;text-align:center}button{font-size:1.5rem;padding:.5rem 2rem}</style></head>
<body><h1>${escaped}</h1><p>${demo ? 'Demo mode: fun money, nothing is real.' : 'Real money: every spin is a signed bet and win on the operator wallet.'}</p>
<p>Balance: <strong id="balance">…</strong></p><button id="spin">Spin (1.00)</button><p id="last"></p>
<script>
const show = (r) => { document.getElementById('balance').textContent = (r.balance / 100000).toFixed(2); document.getElementById('last').textContent = r.message || ''; };
fetch('/play/${launchId}/balance').then((r) => r.json()).then(show);
document.getElementById('spin').onclick = () => fetch('/play/${launchId}/spin', { method: 'POST' }).then((r) => r.json()).then(show);
</script></body></html>`;
}
