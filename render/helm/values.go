package helm

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/prodlint/prodlint/render"
	"helm.sh/helm/v4/pkg/chart/common"
	chartloader "helm.sh/helm/v4/pkg/chart/v2/loader"
)

// DefaultKubeVersion is the Kubernetes version charts are rendered for when
// Options.KubeVersion is empty. Helm's own default depends on the client-go
// version linked into the binary (and is v1.20 under go test), so prodlint
// always passes an explicit version.
const DefaultKubeVersion = "1.34.0"

// kubeVersion parses "1.34", "1.34.0" or "v1.34.0" into Helm's KubeVersion.
// A major.minor version gets a .0 patch, so that .Capabilities.KubeVersion
// reads the same as with helm template --kube-version 1.34.0.
func kubeVersion(v string) (*common.KubeVersion, error) {
	if v == "" {
		v = DefaultKubeVersion
	}
	s := strings.TrimPrefix(strings.TrimSpace(v), "v")
	if strings.Count(s, ".") == 1 && !strings.ContainsAny(s, "-+") {
		s += ".0"
	}
	kv, err := common.ParseKubeVersion(s)
	if err != nil {
		return nil, fmt.Errorf("invalid Kubernetes version %q: %w", v, err)
	}
	return kv, nil
}

// capabilities returns Helm's default capabilities with the given Kubernetes
// version and extra API versions.
func capabilities(kv *common.KubeVersion, apis []string) *common.Capabilities {
	caps := common.DefaultCapabilities.Copy()
	caps.KubeVersion = *kv
	caps.APIVersions = append(slices.Clone(caps.APIVersions), apis...)
	return caps
}

// readValues reads the values layers of a variant (values files by
// repository path, inline values) through the repository file system and
// merges them in order, the way helm template --values does, without
// Helm's getters: a file is only ever read from the repository.
func readValues(fsys fs.FS, layers []render.ValuesLayer) (map[string]any, error) {
	vals := map[string]any{}
	for _, l := range layers {
		var v map[string]any
		switch {
		case l.Values != nil:
			v = l.Values
		case l.Node != nil:
			if err := l.Node.Decode(&v); err != nil {
				return nil, fmt.Errorf("%s:%d: values: %v", l.File, l.Node.Line, err)
			}
			v, _ = render.Normalize(v).(map[string]any)
		default:
			var err error
			if v, err = readValuesFile(fsys, l.File); err != nil {
				return nil, err
			}
		}
		vals = mergeMaps(vals, v)
	}
	return vals, nil
}

// layerName names a values layer in messages.
func layerName(l render.ValuesLayer) string {
	if l.Node != nil || l.Values != nil {
		return "the values in " + l.File
	}
	return l.File
}

// readValuesFile reads one values file of the repository.
func readValuesFile(fsys fs.FS, rel string) (map[string]any, error) {
	if !inside(rel) {
		return nil, fmt.Errorf("%s: values file is outside the repository", rel)
	}
	b, err := readRepoFile(fsys, rel)
	switch {
	case escapes(err):
		return nil, fileError(rel, err)
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("%s: values file not found", rel)
	case err != nil:
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: cannot read values file: %v", rel, err)
	}
	v, err := chartloader.LoadValues(bytes.NewReader(b))
	if err != nil {
		return nil, yamlFileError(rel, err.Error())
	}
	return v, nil
}

// inside reports whether a cleaned repository-relative path stays inside the
// repository.
func inside(rel string) bool {
	rel = path.Clean(rel)
	return rel != ".." && !strings.HasPrefix(rel, "../") && !path.IsAbs(rel)
}

// mergeMaps deep-merges b into a copy of a: maps are merged key by key, any
// other value in b replaces the one in a. It matches helm's mergeMaps for
// --values files.
func mergeMaps(a, b map[string]any) map[string]any {
	out := make(map[string]any, len(a)+len(b))
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		if bm, ok := v.(map[string]any); ok {
			if am, ok := out[k].(map[string]any); ok {
				out[k] = mergeMaps(am, bm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

var yamlLineErr = regexp.MustCompile(`yaml: line (\d+): (.*)$`)

// yamlFileError shortens the layered YAML errors of Helm's loaders
// ("cannot unmarshal yaml document: error converting YAML to JSON: yaml:
// line 3: ...") to "file:3: invalid YAML: ...".
func yamlFileError(file, msg string) error {
	if m := yamlLineErr.FindStringSubmatch(msg); m != nil {
		return fmt.Errorf("%s:%s: invalid YAML: %s", file, m[1], m[2])
	}
	for _, p := range []string{"cannot unmarshal yaml document: ", "error reading yaml document: ", "error converting YAML to JSON: ", "yaml: "} {
		msg = strings.TrimPrefix(msg, p)
	}
	return fmt.Errorf("%s: invalid YAML: %s", file, msg)
}
