// Package helm renders Helm charts in-process with Helm v4's template engine
// (no cluster, no network, no helm binary) and maps every rendered object
// back to the template line a person edits.
//
// The render follows helm template: load the chart, check that every
// dependency is vendored, merge the values of the variant, process
// dependencies (conditions, tags, aliases, import-values), build
// capabilities for an explicit Kubernetes version, validate
// values.schema.json locally, and run the engine. Hooks and chart tests are
// kept and labelled, NOTES.txt is dropped, CRDs in crds/ are included.
//
// Template lines come from a second, marked render: every template line that
// starts and ends outside an action gets a " #@L<n>" comment, so the rendered
// YAML says where each of its lines came from.
package helm

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/prodlint/prodlint/render"
	"helm.sh/helm/v4/pkg/chart/common"
	commonutil "helm.sh/helm/v4/pkg/chart/common/util"
	chartv2 "helm.sh/helm/v4/pkg/chart/v2"
	chartutil "helm.sh/helm/v4/pkg/chart/v2/util"
)

// Defaults for Options fields left empty.
const (
	DefaultReleaseName = "release-name"
	DefaultNamespace   = "default"
)

// Renderer renders Helm chart targets. The zero value is ready to use.
type Renderer struct{}

var _ render.Renderer = Renderer{}

// Render implements render.Renderer. It loads the chart in t.Dir once and
// renders the default variant (values.yaml) and then each values file of
// t.Variants on top of it. A variant that fails carries its error; the
// returned error means the chart itself cannot be rendered (unreadable,
// missing dependency, bad options) or ctx was cancelled.
func (Renderer) Render(ctx context.Context, t render.Target, opts render.Options) ([]*render.Variant, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	j, err := newJob(ctx, t, opts)
	if err != nil {
		return nil, err
	}
	specs := j.variants(t)
	out := make([]*render.Variant, 0, len(specs))
	for i, sp := range specs {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		v := &render.Variant{Target: t, Name: sp.name, Deployment: sp.dep}
		if i == 0 {
			v.Notes = append(v.Notes, j.chart.notes...)
		}
		if sp.dep != nil {
			v.Notes = append(v.Notes, sp.dep.Notes...)
		}
		j.renderVariant(ctx, v, sp)
		out = append(out, v)
	}
	return out, nil
}

// variantSpec is what one variant renders with.
type variantSpec struct {
	name   string
	layers []render.ValuesLayer // on top of values.yaml, lowest precedence first
	rel    common.ReleaseOptions
	dep    *render.Deployment
}

// variants lists the variants of t: the default (values.yaml alone) unless
// GitOps deployments replace it, each values file of t.Variants, and each
// deployment with its values, release name and namespace.
func (j *job) variants(t render.Target) []variantSpec {
	var out []variantSpec
	if len(t.Deployments) == 0 {
		out = append(out, variantSpec{rel: j.rel})
	}
	for _, f := range t.Variants {
		out = append(out, variantSpec{name: f, layers: []render.ValuesLayer{{File: path.Join(j.dir, f)}}, rel: j.rel})
	}
	for _, d := range t.Deployments {
		rel := j.rel
		if d.ReleaseName != "" {
			rel.Name = d.ReleaseName
		}
		if d.Namespace != "" {
			rel.Namespace = d.Namespace
		}
		out = append(out, variantSpec{name: d.Name, layers: d.Values, rel: rel, dep: d})
	}
	return out
}

// job holds what every variant of one chart shares.
type job struct {
	fsys  fs.FS  // the repository
	dir   string // repository-relative chart folder
	chart *loaded
	kube  *common.KubeVersion
	caps  *common.Capabilities
	rel   common.ReleaseOptions
}

func newJob(ctx context.Context, t render.Target, opts render.Options) (*job, error) {
	if opts.Root == "" && opts.FS == nil {
		return nil, errors.New("no repository root given")
	}
	kv, err := kubeVersion(opts.KubeVersion)
	if err != nil {
		return nil, err
	}
	dir := path.Clean(t.Dir)
	if !inside(dir) {
		return nil, fmt.Errorf("%s: chart folder is outside the repository", t.Dir)
	}
	fsys, err := opts.RepoFS()
	if err != nil {
		return nil, fmt.Errorf("cannot open the repository: %w", err)
	}
	l, err := loadChart(ctx, fsys, dir)
	if err != nil {
		return nil, err
	}
	rel := common.ReleaseOptions{Name: opts.ReleaseName, Namespace: opts.Namespace, Revision: 1, IsInstall: true}
	if t.ReleaseName != "" {
		rel.Name = t.ReleaseName
	}
	if t.Namespace != "" {
		rel.Namespace = t.Namespace
	}
	if rel.Name == "" {
		rel.Name = DefaultReleaseName
	}
	if rel.Namespace == "" {
		rel.Namespace = DefaultNamespace
	}
	return &job{fsys: fsys, dir: dir, chart: l, kube: kv, caps: capabilities(kv, opts.APIVersions), rel: rel}, nil
}

// renderVariant renders one variant into v: objects, error and notes.
func (j *job) renderVariant(ctx context.Context, v *render.Variant, sp variantSpec) {
	defer func() {
		if r := recover(); r != nil {
			v.Objects, v.Err = nil, fmt.Errorf("%s: internal error while rendering (please report it): %v", j.dir, r)
		}
	}()
	if err := j.checkKubeVersion(); err != nil {
		v.Err = err
		return
	}
	vals, err := readValues(j.fsys, sp.layers)
	if err != nil {
		v.Err = err
		return
	}
	ch := cloneChart(j.chart.chart)
	if err := chartutil.ProcessDependencies(ch, vals); err != nil {
		v.Err = fmt.Errorf("%s: processing dependencies: %w", path.Join(j.dir, "Chart.yaml"), err)
		return
	}
	rv, err := j.renderValues(ch, vals, sp)
	if err != nil {
		v.Err = err
		return
	}
	tpls := j.chart.templates(ch)
	out, err := newEngine().RenderWithContext(ctx, ch, rv)
	if err != nil {
		v.Err = tpls.engineError(j.dir, err)
		return
	}
	objs, notes, errs := tpls.objects(out)
	crds, err := j.chart.crdObjects(ch)
	if err != nil {
		errs = append(errs, err)
	}
	v.Objects = crds
	for _, r := range objs {
		r.obj.InReleaseNamespace = r.obj.Namespace == sp.rel.Namespace
		v.Objects = append(v.Objects, r.obj)
	}
	v.Notes = append(v.Notes, notes...)
	if len(objs) > 0 {
		if note := j.locate(ctx, ch, vals, sp.rel, tpls, objs); note != "" {
			v.Notes = append(v.Notes, note)
		}
		setValueSources(objs, j.valueSources(sp.layers))
	}
	if sp.dep != nil {
		// Helm installs the objects that set no namespace into the
		// release namespace. (After locate, which matches the objects of
		// the marked render by their names as rendered.)
		v.Objects, _ = render.Deploy(v.Objects, &render.Deployment{Namespace: sp.rel.Namespace}) // no substitution, no error
	}
	v.Err = errors.Join(errs...)
}

// checkKubeVersion fails like helm template when the chart's kubeVersion
// constraint excludes the Kubernetes version rendered for.
func (j *job) checkKubeVersion() error {
	want := j.chart.chart.Metadata.KubeVersion
	if want == "" || chartutil.IsCompatibleRange(want, j.kube.String()) {
		return nil
	}
	return fmt.Errorf("%s: chart requires kubeVersion %q, which Kubernetes %s does not satisfy", path.Join(j.dir, "Chart.yaml"), want, j.kube.Version)
}

// renderValues coalesces the chart's values with the variant's, adds the
// release and capabilities, and validates the result against the schemas.
func (j *job) renderValues(ch *chartv2.Chart, vals map[string]any, sp variantSpec) (common.Values, error) {
	rv, err := commonutil.ToRenderValuesWithSchemaValidation(ch, vals, sp.rel, j.caps, true)
	if err != nil {
		return nil, fmt.Errorf("%s: values: %w", j.dir, err)
	}
	cv, _ := rv["Values"].(common.Values)
	names := []string{"values.yaml"}
	for _, l := range sp.layers {
		names = append(names, strings.TrimPrefix(layerName(l), j.dir+"/"))
	}
	if err := j.chart.validateSchemas(ch, cv, strings.Join(names, ", ")); err != nil {
		return nil, err
	}
	return rv, nil
}

// locate renders the marked copy of the processed chart and gives every
// template object its locator. It returns a note when the marked render
// failed and positions fall back to scanning the templates.
func (j *job) locate(ctx context.Context, ch *chartv2.Chart, vals map[string]any, rel common.ReleaseOptions, tpls templateSet, objs []rendered) string {
	var marked map[string]string
	var note string
	mc := j.chart.markedChart(ch)
	rv, err := commonutil.ToRenderValuesWithSchemaValidation(mc, vals, rel, j.caps, true)
	if err == nil {
		marked, err = newEngine().RenderWithContext(ctx, mc, rv)
	}
	if err != nil {
		marked = nil
		note = "template lines are approximate: the line-marking render failed: " + tpls.engineError(j.dir, err).Error()
	}
	attachLocators(objs, tpls, marked)
	return note
}
