package main

import (
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/confab-rtc/confab/call"
	"github.com/confab-rtc/confab/config"
	sig "github.com/confab-rtc/confab/signal"
)

// apiCreds are the flags of the commands that call the server's HTTP API
// or lobby (rooms, admin): where the server is and the app credentials to
// sign with. The app key never leaves this machine; only a signature
// valid for apiTTL does.
type apiCreds struct {
	server, tlsPin, appID, appKey, user string
}

// apiTTL is how long the signatures these commands make are valid.
const apiTTL = 5 * time.Minute

// flags registers the flags; defUser is the default signing user id.
func (a *apiCreds) flags(f *pflag.FlagSet, defUser string) {
	f.StringVar(&a.server, "server", "", "server URL (default: the configured client.server_url)")
	f.StringVar(&a.tlsPin, "tls-pin", "", `trust the wss:// server by its certificate's fingerprint (default: client.tls_pin)`)
	f.StringVar(&a.appID, "app-id", "", "app id (default: from the configuration file)")
	f.StringVar(&a.appKey, "app-key", "", "app key (default: from the configuration file)")
	f.StringVar(&a.user, "user", defUser, "user id the signature is made for (shown in the server's log)")
}

// resolve fills in the defaults from cfg and checks what is needed.
func (a *apiCreds) resolve(cfg config.Config, path string) error {
	if a.server == "" {
		a.server = cfg.Client.ServerURL
	}
	if a.tlsPin == "" {
		a.tlsPin = cfg.Client.TLSPin
	}
	if a.appID == "" && a.appKey == "" {
		a.appID, a.appKey = cfg.App.ID, cfg.App.Key
	}
	if a.appID == "" || a.appKey == "" {
		return fmt.Errorf("no app credentials: pass --app-id and --app-key, or run where %s holds them", path)
	}
	if !sig.ValidID(a.user) {
		return fmt.Errorf("--user %q must be 1-64 characters of A-Z, a-z, 0-9, _ or -", a.user)
	}
	return nil
}

// sign returns a signature for room (sig.LobbyRoom or sig.AdminRoom) valid
// for apiTTL from now, and its ctime.
func (a *apiCreds) sign(room string, now time.Time) (string, int64) {
	ctime := now.Add(apiTTL).Unix()
	return sig.Sign(a.appKey, a.appID, room, a.user, ctime), ctime
}

// bearer is the Authorization header for room.
func (a *apiCreds) bearer(room string, now time.Time) string {
	s, ctime := a.sign(room, now)
	return call.BearerToken(a.appID, a.user, ctime, s)
}
