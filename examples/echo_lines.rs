//! Reads lines from standard input and prints them in capitals, asking `stdin()` anew for
//! each line, as Python code calls `sys.stdin.readline()`: nothing read ahead is lost.
//!
//! `printf 'one\ntwo\n' | cargo run --example echo_lines`

use wasio::io::AsyncBufReadExt;

#[wasio::main]
async fn main() -> std::io::Result<()> {
    loop {
        let mut line = String::new();
        if wasio::io::stdin().read_line(&mut line).await? == 0 {
            return Ok(());
        }
        print!("{}", line.to_uppercase());
    }
}
