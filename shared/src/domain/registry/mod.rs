//! The institution registry: the training institutions a province knows, what the national
//! supervision platform (全国校外教育培训监管与服务综合平台) says of each, how a citizen finds one
//! by name, and how a clerk's registry file becomes them.

pub mod import;
pub mod institution;
pub mod search;
