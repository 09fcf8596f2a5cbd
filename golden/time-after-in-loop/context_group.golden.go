// gofix-test: option=time-after-in-loop.style=context
package p

import (
	"context"
	"errors"
	"fmt"
)

func first(in <-chan string, limit int) error {
	for i := 0; i < limit; i++ {
		tctx, cancel := context.WithTimeout(context.Background(), 1e9)
		select {
		case s := <-in:
			cancel()
			fmt.Println(s)
		case <-tctx.Done(): // want "time.After"
			cancel()
			return errors.New("timeout")
		}
	}
	return nil
}
