// Package signal defines confab's signaling wire protocol: the JSON messages
// exchanged over a websocket between a client and the room server, their
// error codes and the identifier rules. PROTOCOL.md is the normative text;
// this package is its one implementation, shared by client and server.
package signal
