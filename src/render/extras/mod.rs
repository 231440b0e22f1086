//! The files besides the migrations: a test script that runs them up and down on a scratch
//! database (`--with-tests`) and a deployment guide (`--with-docs`). Both read what a tool
//! needs from the renderer registry (its order of files, how it applies and rolls back).

pub mod guide;
pub mod test_script;
