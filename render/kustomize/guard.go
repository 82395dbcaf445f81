package kustomize

import (
	"fmt"
	"net/http"
	"os"
)

// GuardNetwork denies network access to the whole process, as a second line
// of defence behind the pre-scan that rejects remote bases before a build:
//
//   - http.DefaultTransport is replaced by a transport that fails every request
//     at once (kustomize fetches remote files with a zero http.Client, which
//     uses http.DefaultTransport);
//   - GIT_ALLOW_PROTOCOL=none makes every git transport fail before it
//     connects, and GIT_TERMINAL_PROMPT=0 stops git from asking for
//     credentials (kustomize clones remote bases with the git binary).
//
// It changes process-wide state: call it once at start-up, before any
// goroutine uses HTTP. Calling it again is harmless.
func GuardNetwork() {
	http.DefaultTransport = denyTransport{}
	// Setenv only fails for invalid names, and these names are valid.
	_ = os.Setenv("GIT_ALLOW_PROTOCOL", "none")
	_ = os.Setenv("GIT_TERMINAL_PROMPT", "0")
}

// denyTransport is an http.RoundTripper that never dials.
type denyTransport struct{}

// RoundTrip implements http.RoundTripper.
func (denyTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		_ = r.Body.Close()
	}
	return nil, fmt.Errorf("network access disabled: %s %s", r.Method, r.URL.Redacted())
}
