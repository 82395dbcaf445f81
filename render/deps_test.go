package render

import (
	"strings"
	"testing"
	"testing/fstest"
)

func TestGraphAffected(t *testing.T) {
	fsys := fstest.MapFS{
		"charts/web/Chart.yaml":       file("apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n- name: lib\n  repository: file://../lib\n"),
		"charts/web/templates/d.yaml": file(deploy),
		"charts/lib/Chart.yaml":       file("apiVersion: v2\nname: lib\nversion: 1.0.0\n"),
		"charts/lib/templates/x.yaml": file(deploy),
		"charts/other/Chart.yaml":     file("apiVersion: v2\nname: other\nversion: 1.0.0\n"),
		"k/base/kustomization.yaml":   file("resources: [deploy.yaml]\nconfigMapGenerator:\n- name: c\n  files: [app.conf, k2=extra.conf]\n  envs: [vars.env]\n"),
		"k/base/deploy.yaml":          file(deploy),
		"k/base/unused.yaml":          file(deploy),
		"k/comp/kustomization.yaml":   file("kind: Component\npatches:\n- path: p.yaml\n"),
		"k/a/kustomization.yaml":      file("resources: [../base]\ncomponents: [../comp]\npatches:\n- path: patch.yaml\n- patch: |-\n    inline\nreplacements:\n- path: r.yaml\n"),
		"k/b/kustomization.yaml":      file("resources: [../base, https://example.com/x.yaml]\npatchesJson6902:\n- path: j.yaml\n"),
		"manifests/app.yaml":          file(deploy),
	}
	d, err := Discover(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	g := BuildGraph(fsys, d.Targets, ".prodlint.yaml")
	names := func(ts []Target) string {
		var s []string
		for _, t := range ts {
			s = append(s, t.Dir)
		}
		return strings.Join(s, " ")
	}
	for _, tt := range []struct{ changed, want string }{
		{"charts/web/values.yaml", "charts/web"},
		{"charts/lib/templates/x.yaml", "charts/lib charts/web"},
		{"k/base/deploy.yaml", "k/a k/b"},
		{"k/base/unused.yaml", ""},
		{"k/base/extra.conf", "k/a k/b"},
		{"k/base/vars.env", "k/a k/b"},
		{"k/a/patch.yaml", "k/a"},
		{"k/a/r.yaml", "k/a"},
		{"k/comp/p.yaml", "k/a"},
		{"k/b/j.yaml", "k/b"},
		{"k/b/kustomization.yaml", "k/b"},
		{"manifests/app.yaml", "manifests"},
		{"manifests/new.yaml", ""},
		{"README.md", ""},
		{".prodlint.yaml", "charts/lib charts/other charts/web k/a k/b manifests"},
	} {
		if got := names(g.Affected([]string{tt.changed})); got != tt.want {
			t.Errorf("Affected(%s) = %q, want %q", tt.changed, got, tt.want)
		}
	}
}
