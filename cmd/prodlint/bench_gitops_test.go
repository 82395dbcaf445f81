//go:build unix

package main

// Benchmarks of a GitOps repository: charts deployed by Argo CD
// Applications, one per environment (docs/performance.md has the figures).
//
//	go test -run '^$' -bench 'GitOps' -benchmem ./cmd/prodlint

import (
	"fmt"
	"io"
	"testing"

	git "github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/config"
)

// Shape of the GitOps repository: benchGitOpsCharts charts of the
// synthetic repository, each deployed by one Application per environment.
const benchGitOpsCharts = 100

// gitopsBenchRepo writes the GitOps repository into a temporary folder,
// commits it, changes the values of one Application and commits again; it
// returns the folder and the base commit.
func gitopsBenchRepo(b *testing.B) (dir, base string) {
	b.Helper()
	files := map[string]string{"README.md": "# Synthetic GitOps repository\n"}
	for i := range benchGitOpsCharts {
		addChart(files, i)
		for _, env := range benchEnvs {
			files[fmt.Sprintf("apps/%s/%s.yaml", env, chartName(i))] = benchApplication(i, env, 3)
		}
	}
	dir = b.TempDir()
	for p, body := range files {
		if err := writeFile(dir, p, body); err != nil {
			b.Fatal(err)
		}
	}
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := repo.CreateRemote(&config.RemoteConfig{Name: "origin", URLs: []string{"https://github.com/acme/fleet.git"}}); err != nil {
		b.Fatal(err)
	}
	if base, err = commitAll(repo, "synthetic GitOps repository", 1); err != nil {
		b.Fatal(err)
	}
	if err := writeFile(dir, "apps/prod/"+chartName(7)+".yaml", benchApplication(7, "prod", 4)); err != nil {
		b.Fatal(err)
	}
	if _, err := commitAll(repo, "svc-007 prod: 4 replicas", 2); err != nil {
		b.Fatal(err)
	}
	return dir, base
}

// benchApplication is the Application of chart i in env.
func benchApplication(i int, env string, replicas int) string {
	return fmt.Sprintf(`apiVersion: argoproj.io/v1alpha1
kind: Application
metadata:
  name: %[1]s-%[2]s
  namespace: argocd
spec:
  project: %[2]s
  source:
    repoURL: git@github.com:acme/fleet.git
    targetRevision: v1.%[3]d.0
    path: charts/%[1]s
    helm:
      valueFiles: [ci/prod-values.yaml]
      valuesObject:
        replicaCount: %[4]d
        podAnnotations:
          environment: %[2]s
  destination:
    name: %[2]s
    namespace: %[1]s
`, chartName(i), env, i%10, replicas)
}

func BenchmarkLintGitOpsFull(b *testing.B) {
	dir, _ := gitopsBenchRepo(b)
	args := []string{"lint", "--format", "json", dir}
	checkReport(b, benchGitOpsCharts+len(benchEnvs), args...) // the charts and the apps/<env> folders
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		benchLint(b, io.Discard, args...)
	}
	reportCPU(b, start)
}

// BenchmarkLintGitOpsOneApplicationChange lints a change to one
// Application: its chart renders that deployment only, at the head and at
// the base.
func BenchmarkLintGitOpsOneApplicationChange(b *testing.B) {
	dir, base := gitopsBenchRepo(b)
	args := []string{"lint", "--base", base, "--format", "json", dir}
	checkReport(b, 2, args...) // the chart and apps/prod
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		benchLint(b, io.Discard, args...)
	}
	reportCPU(b, start)
}
