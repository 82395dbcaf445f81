package main

import (
	"io/fs"

	"github.com/prodlint/prodlint/render"
	"github.com/prodlint/prodlint/render/helm"
	"github.com/prodlint/prodlint/render/kustomize"
)

// renderers returns the renderer of each target kind.
func renderers(fsys fs.FS) map[render.Kind]render.Renderer {
	return map[render.Kind]render.Renderer{
		render.Plain:     render.PlainRenderer{FS: fsys},
		render.Kustomize: kustomize.Renderer{},
		render.Helm:      helm.Renderer{},
	}
}
