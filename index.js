// Entry point required by npm; n8n loads the files listed under "n8n" in package.json.
