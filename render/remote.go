package render

import (
	"net/url"
	"regexp"
	"strings"
)

var (
	// urlScheme is a URL scheme at the start of an entry ("https://",
	// "ssh://", "file://", and any other).
	urlScheme = regexp.MustCompile(`^[a-z][a-z0-9+.-]*://`)
	// scpUser is the user of an scp-style git address ("git@host:org/repo"),
	// as kustomize reads it: a letter, then letters, digits and dashes.
	scpUser = regexp.MustCompile(`^[a-z][a-z0-9-]*@[^/:]*[/:]`)
)

// IsRemote reports whether a kustomization entry (a resources, bases or
// components entry, or a file such as a patch path) names something outside
// the repository that kustomize would fetch: an HTTP(S) file, or a git
// repository that it clones with the git binary.
//
// It follows kustomize's own parsing (git.NewRepoSpecFromURL and
// loader.IsRemoteFile), on the safe side: an entry with a URL scheme
// (https://, http://, ssh://, file:// or any other), a go-getter "git::"
// prefix, a github.com/ or github.com: address, an scp-style user@host:
// address, or a ref or version query parameter (?ref=v1) is remote. Case is
// ignored, as kustomize ignores it. Local paths ("../base",
// "deploy/github.com.yaml") are not remote.
func IsRemote(entry string) bool {
	l := strings.ToLower(strings.TrimSpace(entry))
	if l == "" {
		return false
	}
	if strings.HasPrefix(l, "git::") || urlScheme.MatchString(l) {
		return true
	}
	if strings.HasPrefix(l, "github.com/") || strings.HasPrefix(l, "github.com:") || scpUser.MatchString(l) {
		return true
	}
	if _, q, ok := strings.Cut(l, "?"); ok {
		if v, err := url.ParseQuery(q); err == nil {
			return v.Has("ref") || v.Has("version")
		}
		// A query that does not parse still names a ref to a person.
		return strings.Contains(q, "ref=") || strings.Contains(q, "version=")
	}
	return false
}
