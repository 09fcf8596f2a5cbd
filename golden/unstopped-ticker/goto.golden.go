package p

import "time"

func retry(try func() bool) {
	t := time.NewTicker(time.Second) // want "no automatic fix: the function uses goto"
again:
	<-t.C
	if !try() {
		goto again
	}
}
