package gitops

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/prodlint/prodlint/render"
)

// layoutPlan discovers and resolves a layout of testdata/gitops as the
// repository at url.
func layoutPlan(t *testing.T, name, url string) *Plan {
	t.Helper()
	fsys := os.DirFS(filepath.Join("..", "..", "testdata", "gitops", name))
	d, err := render.Discover(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	p, err := Resolve(fsys, d.Targets, Options{RepoURLs: []string{url}, Under: "."})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// variantsOf lists each target with its deployments, one line per target.
func variantsOf(p *Plan) string {
	var lines []string
	for _, t := range p.Targets {
		var names []string
		for _, d := range t.Deployments {
			names = append(names, d.Name)
		}
		sort.Strings(names)
		lines = append(lines, fmt.Sprintf("%s: %s", t, strings.Join(names, " | ")))
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// The targets of the layouts and the deployments that render them (see
// their EXPECTED.md).
func TestLayoutTargets(t *testing.T) {
	argo := variantsOf(layoutPlan(t, "argo", "https://github.com/acme/platform"))
	for _, want := range []string{
		"helm charts/payments: Application payments-canary | Application payments-dev | Application payments-eu (source charts/payments) | Application payments-production | Application payments-staging",
		"kustomize environments/production/catalog: Application catalog-production (ApplicationSet catalog)",
		"kustomize environments/staging/orders: Application orders-staging",
		"kustomize services/catalog: Application catalog-preview (ApplicationSet previews)",
		"kustomize services/orders: Application orders-preview (ApplicationSet previews)",
		"plain apps: Application root",
		"plain bootstrap: ",
	} {
		if !strings.Contains(argo+"\n", want+"\n") {
			t.Errorf("argo: missing %q", want)
		}
	}
	flux := variantsOf(layoutPlan(t, "flux", "git@github.com:acme/fleet.git"))
	for _, want := range []string{
		"helm charts/billing: HelmRelease billing-eu/billing | HelmRelease billing-staging/billing | HelmRelease billing/billing", // staging in its targetNamespace
		"kustomize apps/staging/podinfo: Kustomization flux-system/podinfo",
		"plain clusters/production: Kustomization flux-system/flux-system",
	} {
		if !strings.Contains(flux+"\n", want+"\n") {
			t.Errorf("flux: missing %q", want)
		}
	}
	if t.Failed() {
		t.Logf("argo:\n%s\nflux:\n%s", argo, flux)
	}
}

// The values a deployment of the layouts renders with, in order.
func TestLayoutValues(t *testing.T) {
	p := layoutPlan(t, "argo", "https://github.com/acme/platform")
	var got []string
	for _, tg := range p.Targets {
		for _, d := range tg.Deployments {
			if d.Name != "Application payments-dev" && d.Name != "Application payments-eu (source charts/payments)" {
				continue
			}
			var ls []string
			for _, l := range d.Values {
				kind := "file"
				if l.Node != nil {
					kind = fmt.Sprintf("inline@%d", l.Node.Line)
				}
				ls = append(ls, l.File+" "+kind)
			}
			got = append(got, fmt.Sprintf("%s release=%s ns=%s: %s", d.Name, d.ReleaseName, d.Namespace, strings.Join(ls, ", ")))
		}
	}
	sort.Strings(got)
	if len(got) != 2 {
		t.Fatalf("deployments = %q", got)
	}
	if !strings.HasPrefix(got[0], "Application payments-dev release=payments ns=payments-dev: apps/payments-dev.yaml inline@") {
		t.Errorf("payments-dev: %s", got[0])
	}
	if !strings.Contains(got[1], "environments/production/payments/values-eu.yaml file") {
		t.Errorf("payments-eu reads its $values file: %s", got[1])
	}
}
