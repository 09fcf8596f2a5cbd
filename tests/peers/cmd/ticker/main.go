// Command ticker: time.Tick in package main is exempt (the program owns its lifetime).
package main

import (
	"fmt"
	"time"
)

func main() {
	c := time.Tick(10 * time.Millisecond)
	for i := 0; i < 3; i++ {
		<-c
	}
	fmt.Println("done")
}
