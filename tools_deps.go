//go:build tools

package tools

import (
	_ "github.com/adrg/strutil"
	_ "github.com/chromedp/chromedp"
	_ "github.com/jackc/pgx/v5/stdlib"
	_ "github.com/pressly/goose/v3"
	_ "github.com/schollz/progressbar/v3"
	_ "github.com/xuri/excelize/v2"
	_ "golang.org/x/crypto/argon2"
	_ "golang.org/x/text/unicode/norm"
	_ "gonum.org/v1/gonum/optimize"
	_ "modernc.org/sqlite"
)
