package render

import (
	"strings"
	"testing"
	"testing/fstest"
)

func file(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }

const deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"

func TestDiscover(t *testing.T) {
	fsys := fstest.MapFS{
		"charts/web/Chart.yaml":                     file("apiVersion: v2\nname: web\nversion: 1.0.0\n"),
		"charts/web/values.yaml":                    file("replicas: 1\n"),
		"charts/web/values-prod.yaml":               file("replicas: 3\n"),
		"charts/web/ci/a-values.yaml":               file("x: 1\n"),
		"charts/web/ci/notes.txt":                   file(""),
		"charts/web/ci/b.yaml":                      file("x: 1\n"),
		"charts/web/charts/db/Chart.yaml":           file("apiVersion: v2\nname: db\nversion: 1.0.0\n"),
		"charts/web/templates/deploy.yaml":          file(deploy),
		"charts/lib/Chart.yaml":                     file("apiVersion: v2\nname: lib\ntype: library\nversion: 1.0.0\n"),
		"k/base/kustomization.yaml":                 file("resources: [deploy.yaml]\n"),
		"k/base/deploy.yaml":                        file(deploy),
		"k/comp/kustomization.yaml":                 file("apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"),
		"k/overlays/a/kustomization.yml":            file("resources: [../../base, ../../shared/extra.yaml]\ncomponents: [../../comp]\n"),
		"k/overlays/b/Kustomization":                file("bases: [../../base]\n"),
		"k/shared/extra.yaml":                       file(deploy),
		"k/shared/other.yaml":                       file(deploy),
		"manifests/app.yaml":                        file(deploy),
		"manifests/values.yaml":                     file("replicas: 3\n"),
		"manifests/compose.yml":                     file("services:\n  web:\n    image: nginx\n"),
		"manifests/broken.yaml":                     file("apiVersion: v1\nkind: ConfigMap\nmetadata: [\n"),
		"manifests/nested/svc.yml":                  file("apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n"),
		".github/workflows/ci.yaml":                 file("on: push\n"),
		"node_modules/x/deploy.yaml":                file(deploy),
		"vendor/x/deploy.yaml":                      file(deploy),
		"kustomization.yaml.bak/kustomization.yaml": file("resources: []\n"),
	}
	d, err := Discover(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tg := range d.Targets {
		s := tg.String()
		if len(tg.Variants) > 0 {
			s += " " + strings.Join(tg.Variants, ",")
		}
		if len(tg.Files) > 0 {
			s += " [" + strings.Join(tg.Files, ",") + "]"
		}
		got = append(got, s)
	}
	want := []string{
		"helm charts/web ci/a-values.yaml,values-prod.yaml",
		"kustomize k/overlays/a",
		"kustomize k/overlays/b",
		"plain k/shared [k/shared/other.yaml]",
		"kustomize kustomization.yaml.bak",
		"plain manifests [manifests/app.yaml,manifests/broken.yaml]",
		"plain manifests/nested [manifests/nested/svc.yml]",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("targets:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(d.Errors) != 0 {
		t.Errorf("errors: %v", d.Errors)
	}
}

func TestDiscoverUnder(t *testing.T) {
	fsys := fstest.MapFS{
		"a/x.yaml": file(deploy),
		"b/y.yaml": file(deploy),
	}
	d, err := Discover(fsys, "b")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Targets) != 1 || d.Targets[0].Dir != "b" {
		t.Errorf("targets = %v", d.Targets)
	}
	if _, err := Discover(fsys, "missing"); err == nil {
		t.Error("want an error for a missing folder")
	}
}

func TestDiscoverBrokenChartYAML(t *testing.T) {
	fsys := fstest.MapFS{
		"c/Chart.yaml":         file("apiVersion: v2\nname: [\n"),
		"k/kustomization.yaml": file("resources: [a\nkind: x\n"),
	}
	d, err := Discover(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Errors) != 2 {
		t.Fatalf("errors = %v", d.Errors)
	}
	for _, e := range d.Errors {
		if !strings.Contains(e.Error(), "invalid YAML") || e.Line == 0 {
			t.Errorf("error %q: want invalid YAML with a line", e)
		}
	}
}
