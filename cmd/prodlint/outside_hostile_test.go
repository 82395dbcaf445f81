package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Nothing outside the repository: a repository whose symlinks lead to a
// secret next to it (templates, values files, chart files and folders,
// kustomize resources, patches, generator files, bases and kustomization
// files, plain manifests and folders), plus the in-repository hostile cases
// of testdata/hostile/outside (../ paths, absolute paths, .Files.Get and
// .Files.Glob outside the chart, values files named in the configuration
// outside the repository). The layout is made at test time, since git does
// not keep symlinks that leave the repository reliably.

// secretMarker is in every file of the secret; it must appear in no output
// (compared without case: names and images hold it in lower case).
const (
	secretMarker = "PRODLINT-SECRET-5f0c2e9a"
	secretLower  = "prodlint-secret-5f0c2e9a"
)

// secretPod is a manifest, a Helm template and a values file at once, with
// findings (hostNetwork, a latest image) that would quote the marker if it
// were ever read.
const secretPod = `# ` + secretMarker + `
apiVersion: v1
kind: Pod
metadata:
  name: secret-` + secretLower + `
  namespace: tools
  annotations:
    token: ` + secretMarker + `
spec:
  hostNetwork: true
  containers:
    - name: leak
      image: registry.invalid/` + secretLower + `:latest
image: registry.invalid/` + secretLower + `:latest
`

// outsideLayout writes the secret next to a new repository and the
// repository's symlinks to it. It returns the repository and, per symlink
// case (a folder under links/), the text its error must contain; "" means
// the case must not be a target at all.
func outsideLayout(t *testing.T) (string, map[string]string) {
	t.Helper()
	repo := hostileRepo(t, "outside", "healthy", ".prodlint.yaml")
	top := filepath.Dir(repo)
	secret := filepath.Join(top, "secret")
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	link := func(target, name string) {
		t.Helper()
		p := filepath.Join(repo, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(target, p); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(secret, "secret.yaml"), secretPod)
	write(filepath.Join(secret, "kustomization.yaml"), "# "+secretMarker+"\nresources: [secret.yaml]\n")
	write(filepath.Join(secret, "env"), secretMarker+"="+secretMarker+"\n")
	write(filepath.Join(secret, "templates", "pod.yaml"), secretPod)
	write(filepath.Join(secret, "Chart.yaml"), "apiVersion: v2\nname: secret\nversion: 0.1.0\ndescription: "+secretMarker+"\n")
	chart := func(dir string) {
		write(filepath.Join(repo, dir, "Chart.yaml"), "apiVersion: v2\nname: "+filepath.Base(dir)+"\nversion: 0.1.0\n")
	}
	podTemplate := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: uses-values\n  namespace: tools\nspec:\n  containers:\n    - name: app\n      image: {{ .Values.image }}\n"
	abs := filepath.Join(secret, "secret.yaml")
	rel := func(depth int) string { return strings.Repeat("../", depth+1) + "secret/secret.yaml" }

	cases := map[string]string{}
	// Plain manifests: a relative and an absolute symlink, and a folder
	// symlink (discovery does not follow folder symlinks: no target).
	link(rel(2), "links/plain-relative/pod.yaml")
	cases["links/plain-relative"] = "links/plain-relative/pod.yaml"
	link(abs, "links/plain-absolute/pod.yaml")
	cases["links/plain-absolute"] = "links/plain-absolute/pod.yaml"
	link(secret, "links/plain-folder")
	cases["links/plain-folder"] = ""
	// Helm: a template, values.yaml, a ci/ values file, a file read with
	// .Files.Get, the templates folder, and Chart.yaml itself.
	chart("links/helm-template")
	link(rel(3), "links/helm-template/templates/pod.yaml")
	cases["links/helm-template"] = "links/helm-template/templates/pod.yaml"
	chart("links/helm-values")
	write(filepath.Join(repo, "links/helm-values/templates/pod.yaml"), podTemplate)
	link(rel(2), "links/helm-values/values.yaml")
	cases["links/helm-values"] = "links/helm-values/values.yaml"
	chart("links/helm-ci-values")
	write(filepath.Join(repo, "links/helm-ci-values/values.yaml"), "image: nginx:1.27\n")
	write(filepath.Join(repo, "links/helm-ci-values/templates/pod.yaml"), podTemplate)
	link(rel(3), "links/helm-ci-values/ci/leak-values.yaml")
	cases["links/helm-ci-values"] = "links/helm-ci-values/ci/leak-values.yaml"
	chart("links/helm-files")
	write(filepath.Join(repo, "links/helm-files/templates/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: files\n  namespace: tools\ndata:\n  leak: {{ .Files.Get \"data/secret.yaml\" | quote }}\n  all: {{ range $p, $_ := .Files.Glob \"**\" }}{{ $.Files.Get $p }}{{ end }}\n")
	link(rel(3), "links/helm-files/data/secret.yaml")
	cases["links/helm-files"] = "links/helm-files/data/secret.yaml"
	chart("links/helm-templates-folder")
	link(filepath.Join(secret, "templates"), "links/helm-templates-folder/templates")
	cases["links/helm-templates-folder"] = "links/helm-templates-folder/templates"
	link(filepath.Join(secret, "Chart.yaml"), "links/helm-chart-yaml/Chart.yaml")
	write(filepath.Join(repo, "links/helm-chart-yaml/templates/pod.yaml"), podTemplate)
	cases["links/helm-chart-yaml"] = "links/helm-chart-yaml/Chart.yaml"
	// Kustomize: a resource, a patch, generator files and env files, a base
	// folder, and the kustomization file itself.
	write(filepath.Join(repo, "links/kust-resource/kustomization.yaml"), "resources: [pod.yaml]\n")
	link(rel(2), "links/kust-resource/pod.yaml")
	cases["links/kust-resource"] = "links/kust-resource/pod.yaml"
	write(filepath.Join(repo, "links/kust-patch/kustomization.yaml"), "resources: [deployment.yaml]\npatches:\n  - path: patch.yaml\n")
	write(filepath.Join(repo, "links/kust-patch/deployment.yaml"), strings.ReplaceAll(podTemplate, "{{ .Values.image }}", "nginx:1.27"))
	link(rel(2), "links/kust-patch/patch.yaml")
	cases["links/kust-patch"] = "links/kust-patch/patch.yaml"
	write(filepath.Join(repo, "links/kust-generator/kustomization.yaml"), "configMapGenerator:\n  - name: leak\n    files: [secret.yaml]\n")
	link(rel(2), "links/kust-generator/secret.yaml")
	cases["links/kust-generator"] = "links/kust-generator/secret.yaml"
	write(filepath.Join(repo, "links/kust-env/kustomization.yaml"), "secretGenerator:\n  - name: leak\n    envs: [app.env]\n")
	link(filepath.Join(secret, "env"), "links/kust-env/app.env")
	cases["links/kust-env"] = "links/kust-env/app.env"
	write(filepath.Join(repo, "links/kust-base/kustomization.yaml"), "resources: [base]\n")
	link(secret, "links/kust-base/base")
	cases["links/kust-base"] = "links/kust-base/base"
	link(filepath.Join(secret, "kustomization.yaml"), "links/kust-file/kustomization.yaml")
	cases["links/kust-file"] = "links/kust-file/kustomization.yaml"
	return repo, cases
}

// TestOutsideRepositoryNeverRead lints the layout in every output format
// with the real binary: the secret appears in no output (standard output or
// error), every symlink case fails with an error that names the link, the
// in-repository cases of testdata/hostile/outside fail or give Helm's
// empty result, and the healthy target keeps its findings.
func TestOutsideRepositoryNeverRead(t *testing.T) {
	repo, cases := outsideLayout(t)
	inRepo := map[string]string{
		"outside/kustomize-dotdot":           `resources entry "../../../../../../../../etc/passwd": outside the repository`,
		"outside/kustomize-absolute":         `resources entry "/etc/passwd": absolute paths are outside the repository`,
		"outside/kustomize-rootonly":         `is outside the kustomization root outside/kustomize-rootonly`,
		"outside/kustomize-patch-dotdot":     `patches entry "../../../../../../../../etc/hostname": outside the repository`,
		"outside/kustomize-generator-dotdot": `configMapGenerator files entry "../../../../../../../../etc/passwd": outside the repository`,
		"outside/helm-values":                `values file is outside the repository`,
		"outside/helm-files":                 "",
	}
	for _, format := range []string{"json", "text", "sarif", "github"} {
		r := runBinary(t, repo, nil, nil, "lint", "--format", format, "--show-suppressed", ".")
		if strings.Contains(strings.ToLower(r.stdout+r.stderr), strings.ToLower(secretMarker)) {
			i := strings.Index(strings.ToLower(r.stdout+r.stderr), strings.ToLower(secretMarker))
			t.Fatalf("%s: the secret outside the repository is in the output: …%s…", format, (r.stdout + r.stderr)[max(0, i-300):i+40])
		}
		if r.code != exitRender {
			t.Errorf("%s: exit %d, want 3", format, r.code)
		}
		if format != "json" {
			continue
		}
		rep := parseReport(t, r.stdout)
		for dir, want := range cases {
			got := rep.errorsOf(dir)
			isTarget := rep.hasTarget(dir)
			switch {
			case want == "" && (isTarget || got != ""):
				t.Errorf("%s: a target (errors %q); a folder symlink must not be followed", dir, got)
			case want != "" && !strings.Contains(got, want):
				t.Errorf("%s: errors %q, want one naming %s", dir, got, want)
			}
			// Every error of the case, discovery's included, must say why in
			// words ("path escapes from parent" is os.Root's).
			for _, e := range strings.Split(got, "\n") {
				if want != "" && (!strings.Contains(e, "outside the repository") || strings.Contains(e, "path escapes from parent")) {
					t.Errorf("%s: error %q does not say in words that the path leaves the repository", dir, e)
				}
			}
		}
		for dir, want := range inRepo {
			got := rep.errorsOf(dir)
			if want == "" && got != "" || !strings.Contains(got, want) {
				t.Errorf("%s: errors %q, want %q", dir, got, want)
			}
		}
		if rules := rep.rulesOf("healthy"); !slices.Contains(rules, "host-network") {
			t.Errorf("healthy: rules %v, want host-network", rules)
		}
	}
}

// TestOutsideConfigRefused: a configuration file that is a symlink out of
// the repository is a usage error (exit 2), and its content is not shown.
func TestOutsideConfigRefused(t *testing.T) {
	repo, _ := outsideLayout(t)
	if err := os.Remove(filepath.Join(repo, ".prodlint.yaml")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(filepath.Dir(repo), "secret", "secret.yaml"), filepath.Join(repo, ".prodlint.yaml")); err != nil {
		t.Fatal(err)
	}
	r := runBinary(t, repo, nil, nil, "lint", "--format", "json", ".")
	if r.code != exitUsage || !strings.Contains(r.stderr, ".prodlint.yaml") || !strings.Contains(r.stderr, "outside the repository") {
		t.Errorf("exit %d, stderr %q; want exit 2 naming .prodlint.yaml and saying it leaves the repository", r.code, r.stderr)
	}
	if strings.Contains(strings.ToLower(r.stdout+r.stderr), strings.ToLower(secretMarker)) {
		t.Errorf("the secret is in the output")
	}
}
