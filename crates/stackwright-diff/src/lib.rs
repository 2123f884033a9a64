//! What a deploy from one CloudFormation template to another would replace or remove.
