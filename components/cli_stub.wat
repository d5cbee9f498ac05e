;; The `wasio:platform/cli-stub` world (wit/world.wit) as a core module: the WASI 0.2 command-line
;; interfaces that Rust's standard library imports beyond `wasi:http/proxy`, answered without a
;; host. `scripts/proxy-only` makes a component of it and plugs it into a served component with
;; `wac plug`, so that the result imports only what `wasi:http/proxy` allows.
;;
;; What the stub answers, as a host that grants nothing would:
;; - environment: no variables, no arguments, no working directory;
;; - insecure-seed (std's hash maps seed themselves with it): two numbers from
;;   `wasi:random/random`, which `wasi:http/proxy` grants;
;; - terminal-stdin/-stdout/-stderr: no terminal;
;; - exit and exit-with-code: a trap, which ends the instance (the host answers that request
;;   with its 500), as exiting a served component does.
(module
  (import "wasi:random/random@0.2.12" "get-random-u64" (func $random (result i64)))
  (memory (export "memory") 1)

  ;; Every answer is zeros: an empty list (pointer 0, length 0) or `none`. Each function
  ;; returns where its answer is: 16 zero bytes at address 16.
  (func $nothing (result i32) (i32.const 16))
  (func $trap (param i32) (unreachable))
  ;; The seed: two random numbers at address 32.
  (func $seed (result i32)
    (i64.store (i32.const 32) (call $random))
    (i64.store (i32.const 40) (call $random))
    (i32.const 32))

  (export "wasi:cli/environment@0.2.12#get-environment" (func $nothing))
  (export "wasi:cli/environment@0.2.12#get-arguments" (func $nothing))
  (export "wasi:cli/environment@0.2.12#initial-cwd" (func $nothing))
  (export "wasi:cli/exit@0.2.12#exit" (func $trap))
  (export "wasi:cli/exit@0.2.12#exit-with-code" (func $trap))
  (export "wasi:random/insecure-seed@0.2.12#insecure-seed" (func $seed))
  (export "wasi:cli/terminal-stdin@0.2.12#get-terminal-stdin" (func $nothing))
  (export "wasi:cli/terminal-stdout@0.2.12#get-terminal-stdout" (func $nothing))
  (export "wasi:cli/terminal-stderr@0.2.12#get-terminal-stderr" (func $nothing))
)
