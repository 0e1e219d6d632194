//! Endpoint resolution: region and partition to URL and signing region.
