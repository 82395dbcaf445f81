package kustomize

import (
	"slices"
	"testing"
)

func TestImageName(t *testing.T) {
	for in, want := range map[string]string{
		"nginx":                          "nginx",
		"nginx:1.25":                     "nginx",
		"registry:5000/team/app:v1":      "registry:5000/team/app",
		"registry:5000/team/app":         "registry:5000/team/app",
		"app@sha256:0123abcd":            "app",
		"ghcr.io/org/app:v1@sha256:0123": "ghcr.io/org/app",
	} {
		if got := imageName(in); got != want {
			t.Errorf("imageName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitPointer(t *testing.T) {
	got := splitPointer("/metadata/annotations/example.com~1team/a~0b")
	want := []string{"metadata", "annotations", "example.com/team", "a~b"}
	if !slices.Equal(got, want) {
		t.Errorf("splitPointer = %q, want %q", got, want)
	}
}

func TestNameScore(t *testing.T) {
	prod := []affix{{prefix: "prod-"}, {}}
	tests := []struct {
		rendered, src string
		generated     bool
		want          int
	}{
		{"prod-web", "web", false, 3},
		{"prod-web", "prod-web", false, 2},
		{"prod-prod-web", "prod-web", false, 3},
		{"prod-web-config-75kk9t4hbk", "web-config", true, 3},
		{"web-v2", "web", false, 1},
		{"api", "web", false, 0},
	}
	for _, tt := range tests {
		if got := nameScore(tt.rendered, tt.src, prod, tt.generated); got != tt.want {
			t.Errorf("nameScore(%q, %q) = %d, want %d", tt.rendered, tt.src, got, tt.want)
		}
	}
}
