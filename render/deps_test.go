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

func TestShards(t *testing.T) {
	fsys := fstest.MapFS{
		"k/base/kustomization.yaml": file("resources: [d.yaml]\n"),
		"k/base/d.yaml":             file(deploy),
		"k/a/kustomization.yaml":    file("resources: [../base]\n"),
		"k/b/kustomization.yaml":    file("resources: [../base]\n"),
		"k/c/kustomization.yaml":    file("resources: [c.yaml]\n"),
		"k/c/c.yaml":                file(deploy),
		"m1/x.yaml":                 file(deploy),
		"m2/x.yaml":                 file(deploy),
		"m3/x.yaml":                 file(deploy),
	}
	d, err := Discover(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	g := BuildGraph(fsys, d.Targets)
	shards := g.Shards(3)
	seen := map[string]int{}
	for i, s := range shards {
		for _, tg := range s {
			if _, dup := seen[tg.Dir]; dup {
				t.Errorf("%s in two shards", tg.Dir)
			}
			seen[tg.Dir] = i
		}
	}
	if len(seen) != len(d.Targets) {
		t.Errorf("shards hold %d targets, want %d", len(seen), len(d.Targets))
	}
	if seen["k/a"] != seen["k/b"] {
		t.Errorf("overlays of one base split over shards %d and %d", seen["k/a"], seen["k/b"])
	}
	for i, s := range shards {
		if len(s) < 1 || len(s) > 2 {
			t.Errorf("shard %d has %d targets; want a balanced 2/2/2", i, len(s))
		}
	}
	again := g.Shards(3)
	for i := range shards {
		if names(shards[i]) != names(again[i]) {
			t.Errorf("shard %d not deterministic: %s vs %s", i, names(shards[i]), names(again[i]))
		}
	}
}

func names(ts []Target) string {
	var s []string
	for _, t := range ts {
		s = append(s, t.Dir)
	}
	return strings.Join(s, " ")
}
