fn main() {
    println!("drconsole");
}
