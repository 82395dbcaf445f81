package render

import "testing"

func TestIsRemote(t *testing.T) {
	tests := []struct {
		entry  string
		remote bool
	}{
		// HTTP(S) files and git URLs with a scheme.
		{"https://github.com/org/repo//deploy?ref=v1", true},
		{"https://raw.githubusercontent.com/org/repo/main/service.yaml", true},
		{"http://example.com/manifest.yaml", true},
		{"HTTPS://example.com/manifest.yaml", true},
		{"ssh://git@example.com/org/repo.git", true},
		{"file:///srv/git/repo", true},
		{"s3://bucket/manifest.yaml", true},
		{"  https://example.com/x.yaml  ", true},
		// go-getter prefix, which kustomize strips.
		{"git::https://example.com/org/repo.git", true},
		{"Git::ssh://example.com/org/repo.git", true},
		// GitHub without a scheme.
		{"github.com/org/repo//path?ref=main", true},
		{"github.com/org/repo", true},
		{"github.com:org/repo", true},
		{"GitHub.com/org/repo", true},
		// scp-style addresses.
		{"git@github.com:org/repo.git", true},
		{"deploy-bot@git.example.com:org/repo.git//base", true},
		{"user@host.example.com/org/repo", true},
		// Refs and versions in the query.
		{"gitlab.com/org/repo//deploy?ref=v2", true},
		{"example.com/org/repo?version=v1.2.0", true},
		{"example.com/org/repo?timeout=10&ref=main", true},
		{"example.com/org/repo?ref=%zz", true},

		// Local paths.
		{"", false},
		{"../base", false},
		{"../../outside", false},
		{"deployment.yaml", false},
		{"./overlays/prod", false},
		{"/abs/path/base", false},
		{"github/notes.yaml", false},
		{"deploy/github.com.yaml", false},
		{"github.com.yaml", false},
		{"me@notes.yaml", false},
		{"config?x=1", false},
		{"config?xref=1", false},
		{"dir/with:colon.yaml", false},
		{"dir/scheme://inside", false},
	}
	for _, tt := range tests {
		if got := IsRemote(tt.entry); got != tt.remote {
			t.Errorf("IsRemote(%q) = %v, want %v", tt.entry, got, tt.remote)
		}
	}
}
