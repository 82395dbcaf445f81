package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
)

// gitopsLayouts are the GitOps repositories of testdata/gitops and the
// remote each is cloned from: their Applications and GitRepositories name
// it, in another spelling.
var gitopsLayouts = map[string]string{
	"argo": "git@github.com:acme/platform.git",
	"flux": "ssh://git@github.com/acme/fleet",
}

// gitopsLayout copies testdata/gitops/name into a temporary git repository
// with its origin remote.
func gitopsLayout(t *testing.T, name string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("..", "..", "testdata", "gitops", name))); err != nil {
		t.Fatal(err)
	}
	r, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{gitopsLayouts[name]}}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestGitOpsLayoutsGolden lints the Argo CD and Flux layouts in the text,
// JSON and SARIF formats and compares with the golden files.
func TestGitOpsLayoutsGolden(t *testing.T) {
	for name := range gitopsLayouts {
		dir := gitopsLayout(t, name)
		for _, format := range []string{"text", "json", "sarif"} {
			t.Run(name+"/"+format, func(t *testing.T) {
				code, out, errs := run(t, "lint", "--format", format, "--kube-version", "1.34", dir)
				if code != exitFindings {
					t.Errorf("exit %d, want %d; stderr: %s", code, exitFindings, errs)
				}
				golden(t, "gitops-"+name+"."+format, []byte(strings.ReplaceAll(out, filepath.ToSlash(dir), "/REPO")))
			})
		}
	}
}

// gitopsFinding is a finding as the layout tests see it.
type gitopsFinding struct {
	Rule     string   `json:"rule"`
	Variants []string `json:"variants"`
	Location struct {
		File string `json:"file"`
		Line int    `json:"line"`
		Col  int    `json:"column"`
	} `json:"location"`
	Related []struct {
		Location struct {
			File string `json:"file"`
			Line int    `json:"line"`
		} `json:"location"`
		Message string `json:"message"`
	} `json:"related"`
}

func (f gitopsFinding) String() string {
	return f.Rule + " " + f.Location.File + ":" + strconv.Itoa(f.Location.Line) + " [" + strings.Join(f.Variants, ", ") + "]"
}

// TestGitOpsLayoutFindings checks the cases of the layouts one by one (see
// their EXPECTED.md): each finding caused by a GitOps object's values,
// patches, images or variables is on that line, with its deployment; what a
// deployment does not deploy is not reported.
func TestGitOpsLayoutFindings(t *testing.T) {
	tests := map[string]struct {
		want    []string // rule file:line [variants]
		notWant []string // substrings of no finding
	}{
		"argo": {
			want: []string{
				"single-replica apps/payments-staging.yaml:30 [Application payments-staging]",                        // valuesObject
				"image-latest-tag apps/payments-staging.yaml:32 [Application payments-staging]",                      // valuesObject
				"single-replica apps/payments-dev.yaml:27 [Application payments-dev]",                                // values string
				"image-latest-tag apps/payments-dev.yaml:36 [Application payments-dev]",                              // parameter
				"image-latest-tag apps/orders-staging.yaml:17 [Application orders-staging]",                          // kustomize images
				"host-network apps/orders-staging.yaml:24 [Application orders-staging]",                              // kustomize patch
				"single-replica apps/appsets/catalog.yaml:47 [Application catalog-staging (ApplicationSet catalog)]", // list generator
				"gitops-source-missing apps/payments-canary.yaml:19 [Application root]",
				"gitops-source-missing apps/search-staging.yaml:14 [Application root]",
				"gitops-source-not-rendered apps/ingress-nginx.yaml:12 [Application root]",
				"gitops-source-not-rendered apps/grafana-dashboards.yaml:11 [Application root]",
				"gitops-target-revision-unpinned apps/payments-production.yaml:17 [Application root]",
				"gitops-target-revision-unpinned apps/appsets/catalog.yaml:42 [Application root]", // a generated Application
				"gitops-source-not-rendered apps/payments-secrets.yaml:19 [Application root]",     // a plugin
			},
			notWant: []string{
				"values-loadtest.yaml",              // a values file of a deployed chart found by name
				"[Application payments-production]", // clean deployments
				"[Application payments-canary]",
				"apps/orders-production.yaml:14", // a monorepo release tag
				"values-staging-overrides",       // ignoreMissingValueFiles
				"common-preview",                 // excluded by the git generator
			},
		},
		"flux": {
			want: []string{
				"single-replica apps/production/billing/helmrelease.yaml:48 [HelmRelease billing/billing]",     // inline values
				"image-latest-tag apps/production/billing/helmrelease.yaml:50 [HelmRelease billing/billing]",   // inline values
				"exposed-service apps/production/billing/billing-values.yaml:12 [HelmRelease billing/billing]", // valuesFrom ConfigMap
				"host-network apps/production/billing/billing-env-values.yaml:6 [HelmRelease billing/billing]", // valuesFrom configMapGenerator
				"gitops-source-missing apps/production/billing/helmrelease.yaml:42 [Kustomization flux-system/billing]",
				"image-latest-tag clusters/staging/apps.yaml:22 [Kustomization flux-system/podinfo]",       // images
				"privileged-container clusters/staging/apps.yaml:38 [Kustomization flux-system/podinfo]",   // patch
				"single-replica clusters/staging/cluster-vars.yaml:16 [Kustomization flux-system/podinfo]", // substituteFrom variable
				"gitops-chart-version-unpinned infrastructure/controllers/cert-manager.yaml:24 []",
				"gitops-reconciliation-suspended clusters/staging/infrastructure.yaml:10 [Kustomization flux-system/flux-system]",
				"pdb-blocks-eviction charts/billing/values-eu.yaml:13 [HelmRelease billing-eu/billing]",  // chart valuesFiles, namespace from the kustomization
				"single-replica clusters/edge/kustomization.yaml:20 [Kustomization flux-system/podinfo]", // a generated cluster-vars literal
			},
			notWant: []string{
				"ci/lint-values.yaml",                   // a values file of a deployed chart found by name
				"clusters/production/cluster-vars.yaml", // production podinfo keeps 3 replicas
				"invalid-field-value",                   // tenant LimitRanges are substituted
				"${",                                    // no unsubstituted variable reaches a rule
				"values-secret.sops.yaml",               // SOPS metadata and ciphertext
			},
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := gitopsLayout(t, name)
			_, out, errs := run(t, "lint", "--format", "json", dir)
			var doc struct {
				Findings []gitopsFinding `json:"findings"`
				Errors   []any           `json:"errors"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatalf("%v\n%s", err, errs)
			}
			if len(doc.Errors) > 0 {
				t.Errorf("render errors: %v", doc.Errors)
			}
			var got []string
			for _, f := range doc.Findings {
				got = append(got, f.String())
			}
			all := strings.Join(got, "\n")
			for _, w := range tt.want {
				if !strings.Contains("\n"+all+"\n", "\n"+w+"\n") {
					t.Errorf("missing finding %s", w)
				}
			}
			for _, nw := range tt.notWant {
				if strings.Contains(all, nw) {
					t.Errorf("unexpected finding matching %q", nw)
				}
			}
			if t.Failed() {
				t.Logf("findings:\n%s", all)
			}
			checkRealLines(t, dir, out)
		})
	}
}
