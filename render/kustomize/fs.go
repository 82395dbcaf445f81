package kustomize

import (
	"slices"

	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
)

// originFS is the real filesystem, except that reading the root kustomization
// file returns it with buildMetadata [originAnnotations,
// transformerAnnotations] added. That is the only switch that makes krusty
// record where each resource came from; the user's file is never written.
type originFS struct {
	filesys.FileSystem
	// root is the absolute, symlink-free path of the root kustomization file,
	// exactly as krusty asks for it.
	root string
}

// newOriginFS wraps the disk for a build of the kustomization file root.
func newOriginFS(root string) originFS {
	return originFS{FileSystem: filesys.MakeFsOnDisk(), root: root}
}

// ReadFile implements filesys.FileSystem.
func (f originFS) ReadFile(p string) ([]byte, error) {
	b, err := f.FileSystem.ReadFile(p)
	if err != nil || p != f.root {
		return b, err
	}
	out, err := withBuildMetadata(b)
	if err != nil {
		return b, nil // let kustomize report the problem with the user's bytes
	}
	return out, nil
}

// withBuildMetadata returns a kustomization with the origin and transformer
// annotation options added to its buildMetadata list.
func withBuildMetadata(b []byte) ([]byte, error) {
	n, err := kyaml.Parse(string(b))
	if err != nil {
		return nil, err
	}
	bm, err := n.Pipe(kyaml.LookupCreate(kyaml.SequenceNode, "buildMetadata"))
	if err != nil {
		return nil, err
	}
	var have []string
	for _, e := range bm.Content() {
		have = append(have, e.Value)
	}
	for _, o := range []string{types.OriginAnnotations, types.TransformerAnnotations} {
		if slices.Contains(have, o) {
			continue
		}
		if err := bm.PipeE(kyaml.Append(kyaml.NewScalarRNode(o).YNode())); err != nil {
			return nil, err
		}
	}
	s, err := n.String()
	return []byte(s), err
}
