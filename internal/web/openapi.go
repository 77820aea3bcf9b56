package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
)

// The OpenAPI document is written by hand, one fragment per domain
// (openapi/<domain>.json with "paths" and "components"), and merged here.
// A test checks it against the route table in both directions.
//
//go:embed openapi
var openAPIFiles embed.FS

func mergeOpenAPI() ([]byte, error) {
	files, err := fs.Glob(openAPIFiles, "openapi/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	doc := map[string]any{}
	paths := map[string]any{}
	components := map[string]map[string]any{}
	for _, f := range files {
		b, err := fs.ReadFile(openAPIFiles, f)
		if err != nil {
			return nil, err
		}
		var frag map[string]any
		if err := json.Unmarshal(b, &frag); err != nil {
			return nil, fmt.Errorf("web: openapi fragment %s: %w", f, err)
		}
		for k, v := range frag {
			switch k {
			case "paths":
				pm, ok := v.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("web: openapi fragment %s: paths is not an object", f)
				}
				for p, item := range pm {
					if _, dup := paths[p]; dup {
						return nil, fmt.Errorf("web: openapi fragment %s: path %s defined twice", f, p)
					}
					paths[p] = item
				}
			case "components":
				cm, ok := v.(map[string]any)
				if !ok {
					return nil, fmt.Errorf("web: openapi fragment %s: components is not an object", f)
				}
				for kind, defs := range cm {
					dm, ok := defs.(map[string]any)
					if !ok {
						return nil, fmt.Errorf("web: openapi fragment %s: components.%s is not an object", f, kind)
					}
					if components[kind] == nil {
						components[kind] = map[string]any{}
					}
					for name, def := range dm {
						if _, dup := components[kind][name]; dup {
							return nil, fmt.Errorf("web: openapi fragment %s: components.%s.%s defined twice", f, kind, name)
						}
						components[kind][name] = def
					}
				}
			default:
				doc[k] = v
			}
		}
	}
	doc["paths"] = paths
	doc["components"] = components
	return json.MarshalIndent(doc, "", "  ")
}
