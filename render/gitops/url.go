package gitops

import (
	"strings"
)

// NormalizeURL reduces a Git URL to host/path in lower case, so that the
// spellings of one repository compare equal:
//
//	https://github.com/Acme/Platform.git   github.com/acme/platform
//	git@github.com:acme/platform.git       github.com/acme/platform
//	ssh://git@github.com:22/acme/platform  github.com/acme/platform
//
// It returns "" for an empty URL.
func NormalizeURL(u string) string {
	s := strings.TrimSpace(u)
	if s == "" {
		return ""
	}
	scheme := false
	if i := strings.Index(s, "://"); i >= 0 {
		s, scheme = s[i+3:], true
	}
	if i := strings.IndexAny(s, "?#"); i >= 0 {
		s = s[:i]
	}
	host, rest, _ := strings.Cut(s, "/")
	if at := strings.LastIndex(host, "@"); at >= 0 {
		host = host[at+1:]
	}
	if !scheme {
		// scp-like: git@host:org/repo
		if h, p, ok := strings.Cut(host, ":"); ok {
			host, rest = h, strings.TrimPrefix(p+"/"+rest, "/")
			rest = strings.TrimSuffix(rest, "/")
		}
	} else if h, _, ok := strings.Cut(host, ":"); ok {
		host = h // a port
	}
	rest = strings.Trim(rest, "/")
	rest = strings.TrimSuffix(rest, ".git")
	return strings.ToLower(host + "/" + rest)
}
