"""The Powens face: Powens' API (`https://{domain}.biapi.pro/2.0`) at `/powens/{domain}/2.0`
and its webview (`https://webview.powens.com`) at `/powens/webview`, so an integration written
for Powens runs against the sandbox with one base URL and one webview host changed.

A translation table over the platform (`docs/faces.md`): Powens' paths, JSON shapes, states,
errors and callbacks on the domain's users, bank logins ("connections"), accounts and
transactions. Reference: the README's Powens section and `tests/reference/powens-openapi/`."""
