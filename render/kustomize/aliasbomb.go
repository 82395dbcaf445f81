package kustomize

import (
	"bytes"
	"fmt"

	"gopkg.in/yaml.v3"

	"github.com/prodlint/prodlint/render"
)

// maxExpandedNodes bounds the YAML nodes one document of a file that
// kustomize reads may have once its aliases are expanded. Kustomize expands
// every alias into a copy of its anchor (kyaml's DeAnchor) before it builds,
// without a limit, so a kilobyte of nested aliases (a "billion laughs" file)
// would take all the memory of the machine. yaml.v3 refuses the same file
// when it decodes into Go values ("document contains excessive aliasing");
// this is the same protection for kustomize's path.
const maxExpandedNodes = 1_000_000

// maxFileSize bounds the size of a file kustomize reads (the same limit as
// the rest of prodlint's YAML inputs): kyaml parses a YAML file at a few
// megabytes a second, and into tens of bytes per byte, so a 100 MB file
// would take minutes and gigabytes. Kubernetes refuses objects over 1.5 MB.
const maxFileSize = 8 << 20

// maxYAMLTokens bounds the separators (commas, brackets, braces and line
// ends) of a file kustomize reads, a cheap upper bound of its YAML nodes.
// Real manifests have 15 to 25 per kilobyte (the corpus's largest CRD file:
// 19,688 in 880 KB), so the limit admits about 10 MB of them; a flow
// sequence of one-character values has 500 per kilobyte and would take
// seconds and a gigabyte well under maxFileSize.
const maxYAMLTokens = 250_000

// yamlTokens counts the separators of b that maxYAMLTokens bounds.
func yamlTokens(b []byte) int {
	n := 0
	for _, c := range []byte(",[{\n") {
		n += bytes.Count(b, []byte{c})
	}
	return n
}

// checkFile returns an error naming file when it is too large or too dense
// to parse, or an alias bomb.
func checkFile(file string, b []byte) error {
	if len(b) > maxFileSize {
		return fmt.Errorf("%s: %w", file, errTooLarge(len(b)))
	}
	if n := yamlTokens(b); n > maxYAMLTokens {
		return fmt.Errorf("%s: the file has %d commas, brackets, braces and lines; prodlint reads YAML files of at most %d", file, n, maxYAMLTokens)
	}
	return checkAliases(file, b)
}

// errTooLarge says a file is over maxFileSize.
func errTooLarge(n int) error {
	return fmt.Errorf("the file has %d bytes; prodlint reads YAML files of at most %d bytes (%d MiB)", n, maxFileSize, maxFileSize>>20)
}

// errAliasBomb is a document whose aliases expand beyond maxExpandedNodes.
var errAliasBomb = fmt.Errorf("YAML aliases expand to more than %d nodes (an alias bomb); prodlint does not expand them", maxExpandedNodes)

// checkAliases returns an error naming file when one of its YAML documents
// expands beyond maxExpandedNodes. Files without both an anchor and an
// alias character are not parsed, and neither is anything that is not
// valid YAML (kustomize reports that itself).
func checkAliases(file string, b []byte) error {
	if !bytes.Contains(b, []byte("&")) || !bytes.Contains(b, []byte("*")) {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	for {
		var doc yaml.Node
		if err := dec.Decode(&doc); err != nil {
			return nil // io.EOF, or a syntax error kustomize reports
		}
		if expanded(&doc, map[*yaml.Node]int{}, 0) > maxExpandedNodes {
			return fmt.Errorf("%s: %w", file, errAliasBomb)
		}
	}
}

// expanded returns the number of nodes of n with every alias replaced by a
// copy of its anchor, counting at most a little over maxExpandedNodes.
// Sizes are memoized by node, so the count costs one visit per node.
func expanded(n *yaml.Node, memo map[*yaml.Node]int, depth int) int {
	if n == nil || depth > 10000 {
		return 0
	}
	if s, ok := memo[n]; ok {
		return s
	}
	memo[n] = 0 // an alias cycle counts nothing more; yaml.v3 rejects it anyway
	size := 1
	if n.Kind == yaml.AliasNode {
		size = expanded(n.Alias, memo, depth+1)
	}
	for _, c := range n.Content {
		if size += expanded(c, memo, depth+1); size > maxExpandedNodes {
			break
		}
	}
	memo[n] = size
	return size
}

// checkInlinePatches applies checkAliases to the patches written inside a
// kustomization (patches and patchesJson6902 entries with a patch field,
// inline patchesStrategicMerge entries), which kustomize parses and expands
// like files.
func checkInlinePatches(kz *kustomization) error {
	var inline []*yaml.Node
	for _, f := range []string{"patches", "patchesJson6902"} {
		for _, it := range items(kz.node, f) {
			if _, p := render.MapKey(it, "patch"); p != nil && p.Kind == yaml.ScalarNode {
				inline = append(inline, p)
			}
		}
	}
	inline = append(inline, scalars(kz.node, "patchesStrategicMerge")...)
	for _, p := range inline {
		if checkAliases(kz.file, []byte(p.Value)) != nil {
			return entryError(kz, p, "inline patch: %v", errAliasBomb)
		}
	}
	return nil
}
