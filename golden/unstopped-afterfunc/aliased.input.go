package p

import (
	"fmt"
	stdtime "time"
)

func aliased(items []string) {
	for _, it := range items {
		// schedule a reminder
		(stdtime.AfterFunc( // want "time.AfterFunc is discarded"
			stdtime.Minute,
			func() { fmt.Println(it) }, // remind
		))
	}
}

func suppressed(items []string) {
	for range items {
		//gofix:ignore unstopped-afterfunc
		stdtime.AfterFunc(stdtime.Minute, func() {})
	}
}
